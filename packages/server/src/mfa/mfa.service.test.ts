/**
 * The MFA service against real PGlite: enrolment kept by the flow that started it, single use
 * under concurrency, recovery codes and sealing of the seed. A settable clock stands in for time.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generate } from 'otplib';
import { createAccountRepository, createMfaRepository, migrateToLatest, openPglite, type Database } from '@portcullis/db';
import { createSecretBox } from '../crypto/secret-box.js';
import { createMfaService, type MfaService } from './mfa.service.js';

describe('mfa service', () => {
  let db: Database;
  let mfa: MfaService;
  let now = new Date('2026-11-28T12:00:10Z');
  let n = 0;
  const box = createSecretBox(randomBytes(32));
  const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(now.getTime() / 1000) + offsetSeconds });
  const later = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };

  const enrolled = async () => {
    n += 1;
    const account = { id: `svc-${n}`, email: `svc-${n}@example.com` };
    await createAccountRepository(db).insert({ ...account, passwordHash: 'h', name: null });
    const pending = await mfa.beginEnrolment(account.id);
    const secret = (await mfa.enrolment(account, pending))!.secret;
    const codes = await mfa.confirmEnrolment(account.id, pending, await codeAt(secret));
    assert.ok(codes, 'enrolment confirmed');
    later(30);
    return { account, secret, codes };
  };
  const newAccount = async (id: string) => {
    const account = { id, email: `${id}@example.com` };
    await createAccountRepository(db).insert({ ...account, passwordHash: 'h', name: null });
    return account;
  };

  before(async () => {
    db = await openPglite(undefined);
    await migrateToLatest(db);
    mfa = createMfaService({ repository: createMfaRepository(db), box, issuerName: 'Portcullis (test)', clock: () => now });
  });
  after(() => db.close());

  it('stores nothing until a code verifies, then the seed sealed and bound to the account', async () => {
    const account = await newAccount('svc-sealed');
    const pending = await mfa.beginEnrolment(account.id);
    const enrolment = (await mfa.enrolment(account, pending))!;
    assert.match(enrolment.qrCodeDataUrl, /^data:image\/svg\+xml;base64,/);
    assert.match(Buffer.from(enrolment.qrCodeDataUrl.split(',')[1]!, 'base64').toString(), /^<svg /);
    assert.ok(!pending.includes(enrolment.secret), 'the flow keeps the seed sealed');
    assert.equal(await createMfaRepository(db).findTotp(account.id), undefined, 'a started enrolment writes nothing');
    assert.equal(await mfa.isEnabled(account.id), false, 'not on before a code verifies');
    assert.equal(await mfa.confirmEnrolment(account.id, pending, '000000'), undefined);
    assert.ok(await mfa.confirmEnrolment(account.id, pending, await codeAt(enrolment.secret)));
    const stored = (await createMfaRepository(db).findTotp(account.id))!;
    assert.ok(!stored.secretCiphertext.includes(enrolment.secret), 'no plaintext seed at rest');
    assert.equal(box.open(stored.secretCiphertext, `totp:${account.id}`), enrolment.secret);
    assert.throws(() => box.open(stored.secretCiphertext, 'totp:someone-else'), 'a seed moved to another account does not open');
    await assert.rejects(mfa.beginEnrolment(account.id), /already set up/);
  });

  it('gives every start its own seed, shown only with the pending value of that start (SECURITY.md A15)', async () => {
    const account = await newAccount('svc-two-flows');
    const [first, second] = [await mfa.beginEnrolment(account.id), await mfa.beginEnrolment(account.id)];
    const [a, b] = [(await mfa.enrolment(account, first))!, (await mfa.enrolment(account, second))!];
    assert.notEqual(a.secret, b.secret, 'two flows, two seeds');
    const other = await newAccount('svc-two-flows-other');
    assert.equal(await mfa.enrolment(other, first), undefined, 'a pending value of one account opens for no other');
    assert.equal(await mfa.confirmEnrolment(other.id, first, await codeAt(a.secret)), undefined);
    assert.equal(await mfa.enrolment(account, 'v1.forged.value.x'), undefined);
    // The first flow confirms; the second flow's seed then never turns on, nor signs in.
    assert.ok(await mfa.confirmEnrolment(account.id, first, await codeAt(a.secret)));
    later(30);
    assert.equal(await mfa.confirmEnrolment(account.id, second, await codeAt(b.secret)), undefined, 'a second enrolment cannot replace the first');
    assert.equal(await mfa.verifyTotp(account.id, await codeAt(b.secret)), false, 'the other seed signs nothing in');
    assert.equal(await mfa.verifyTotp(account.id, await codeAt(a.secret)), true);
  });

  it('lets a started enrolment expire after 15 minutes', async () => {
    const account = await newAccount('svc-expiry');
    const pending = await mfa.beginEnrolment(account.id);
    const { secret } = (await mfa.enrolment(account, pending))!;
    later(15 * 60 + 1);
    assert.equal(await mfa.enrolment(account, pending), undefined);
    assert.equal(await mfa.confirmEnrolment(account.id, pending, await codeAt(secret)), undefined);
    assert.equal(await mfa.isEnabled(account.id), false);
  });

  it('accepts a code once: a replay, an older code after a newer one and T-2 are refused', async () => {
    const { account, secret } = await enrolled();
    const code = await codeAt(secret);
    assert.equal(await mfa.verifyTotp(account.id, code), true);
    assert.equal(await mfa.verifyTotp(account.id, code), false, 'replay');
    assert.equal(await mfa.verifyTotp(account.id, await codeAt(secret, -30)), false, 'previous step after the current one');
    later(30);
    assert.equal(await mfa.verifyTotp(account.id, await codeAt(secret, -60)), false, 'T-2');
    assert.equal(await mfa.verifyTotp(account.id, await codeAt(secret, 30)), true, 'T+1 (clock drift)');
  });

  it('lets exactly one of 20 parallel verifications of one code succeed', async () => {
    const { account, secret } = await enrolled();
    const code = await codeAt(secret);
    const results = await Promise.all(Array.from({ length: 20 }, () => mfa.verifyTotp(account.id, code)));
    assert.equal(results.filter(Boolean).length, 1);
  });

  it('uses each recovery code once, and a new set kills the old one', async () => {
    const { account, codes } = await enrolled();
    assert.equal(codes.length, 10);
    assert.equal(await mfa.verifyRecoveryCode(account.id, codes[0]!), true);
    assert.equal(await mfa.verifyRecoveryCode(account.id, codes[0]!), false, 'used');
    assert.equal((await mfa.status(account.id)).recoveryCodesLeft, 9);
    const fresh = await mfa.replaceRecoveryCodes(account.id);
    assert.equal(fresh?.length, 10);
    assert.equal(await mfa.verifyRecoveryCode(account.id, codes[1]!), false, 'old set is gone');
    assert.equal(await mfa.verifyRecoveryCode(account.id, fresh[0]!), true);
  });

  it('turns off once, and then keeps no recovery code', async () => {
    const first = await enrolled();
    assert.equal(await mfa.turnOff(first.account.id), true);
    assert.equal(await mfa.isEnabled(first.account.id), false);
    assert.equal(await mfa.verifyRecoveryCode(first.account.id, first.codes[3]!), false);
    assert.equal(await mfa.turnOff(first.account.id), false);
    assert.equal(await mfa.replaceRecoveryCodes(first.account.id), undefined, 'no codes without the app');
  });
});

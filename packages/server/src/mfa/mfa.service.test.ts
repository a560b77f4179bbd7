/**
 * The MFA service against real PGlite: enrolment, single use under concurrency, recovery codes
 * and sealing of the seed. A settable clock stands in for time.
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
    const { secret } = await mfa.startEnrolment(account);
    const codes = await mfa.confirmEnrolment(account.id, await codeAt(secret));
    assert.ok(codes, 'enrolment confirmed');
    later(30);
    return { account, secret, codes };
  };

  before(async () => {
    db = await openPglite(undefined);
    await migrateToLatest(db);
    mfa = createMfaService({ repository: createMfaRepository(db), box, issuerName: 'Portcullis (test)', clock: () => now });
  });
  after(() => db.close());

  it('stores the seed sealed and bound to the account, and shows it as text and QR code', async () => {
    const account = { id: 'svc-sealed', email: 'sealed@example.com' };
    await createAccountRepository(db).insert({ ...account, passwordHash: 'h', name: null });
    const enrolment = await mfa.startEnrolment(account);
    assert.match(enrolment.qrCodeDataUrl, /^data:image\/svg\+xml;base64,/);
    assert.match(Buffer.from(enrolment.qrCodeDataUrl.split(',')[1]!, 'base64').toString(), /^<svg /);
    const stored = (await createMfaRepository(db).findTotp(account.id))!;
    assert.ok(!stored.secretCiphertext.includes(enrolment.secret), 'no plaintext seed at rest');
    assert.equal(box.open(stored.secretCiphertext, `totp:${account.id}`), enrolment.secret);
    assert.throws(() => box.open(stored.secretCiphertext, 'totp:someone-else'), 'a seed moved to another account does not open');
    assert.equal((await mfa.startEnrolment(account)).secret, enrolment.secret, 'a reload shows the same pending seed');
    assert.equal(await mfa.isEnabled(account.id), false, 'not on before a code verifies');
    assert.equal(await mfa.confirmEnrolment(account.id, '000000'), undefined);
  });

  it('shows a pending seed without writing: nothing before a start, the started seed after, nothing once on', async () => {
    const account = { id: 'svc-pending', email: 'pending@example.com' };
    await createAccountRepository(db).insert({ ...account, passwordHash: 'h', name: null });
    assert.equal(await mfa.pendingEnrolment(account), undefined);
    assert.equal(await createMfaRepository(db).findTotp(account.id), undefined, 'reading stored nothing');
    const started = await mfa.startEnrolment(account);
    const shown = await mfa.pendingEnrolment(account);
    assert.equal(shown?.secret, started.secret);
    assert.equal(shown?.otpauthUri, started.otpauthUri);
    const codes = await mfa.confirmEnrolment(account.id, await codeAt(started.secret));
    assert.ok(codes);
    assert.equal(await mfa.pendingEnrolment(account), undefined, 'an active seed is never shown again');
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

  it('uses each recovery code once, and regenerating needs a current code and kills the old set', async () => {
    const { account, secret, codes } = await enrolled();
    assert.equal(codes.length, 10);
    assert.equal(await mfa.verifyRecoveryCode(account.id, codes[0]!), true);
    assert.equal(await mfa.verifyRecoveryCode(account.id, codes[0]!), false, 'used');
    assert.equal((await mfa.status(account.id)).recoveryCodesLeft, 9);
    assert.equal(await mfa.regenerateRecoveryCodes(account.id, '123456'), undefined);
    const fresh = await mfa.regenerateRecoveryCodes(account.id, await codeAt(secret));
    assert.equal(fresh?.length, 10);
    assert.equal(await mfa.verifyRecoveryCode(account.id, codes[1]!), false, 'old set is gone');
    assert.equal(await mfa.verifyRecoveryCode(account.id, fresh[0]!), true);
  });

  it('turns off only with a current code or a recovery code', async () => {
    const first = await enrolled();
    assert.deepEqual(await mfa.disable(first.account.id, '000000'), { disabled: false });
    assert.deepEqual(await mfa.disable(first.account.id, first.codes[3]!), { disabled: true, method: 'recovery_code' });
    assert.equal(await mfa.isEnabled(first.account.id), false);
    const second = await enrolled();
    assert.deepEqual(await mfa.disable(second.account.id, await codeAt(second.secret)), { disabled: true, method: 'totp' });
  });
});

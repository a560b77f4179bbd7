/** The MFA repository against real PGlite with the real migrations: races are decided by SQL. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccountRepository, createMfaRepository, migrateToLatest, openPglite, type Database, type MfaRepository } from '../index.js';

describe('mfa repository on PGlite', () => {
  let db: Database;
  let mfa: MfaRepository;
  let n = 0;
  const newAccount = async () => {
    n += 1;
    const id = `mfa-${n}`;
    await createAccountRepository(db).insert({ id, email: `${id}@example.com`, passwordHash: 'h', name: null });
    return id;
  };
  before(async () => {
    db = await openPglite(undefined);
    await migrateToLatest(db);
    mfa = createMfaRepository(db);
  });
  after(() => db.close());

  it('enables a seed once: a second enable, from any flow, changes nothing', async () => {
    const id = await newAccount();
    assert.equal(await mfa.findTotp(id), undefined);
    assert.equal(await mfa.enable(id, 'sealed-1', 100, ['h1', 'h2']), true);
    assert.ok((await mfa.findTotp(id))?.enabledAt instanceof Date);
    assert.equal(await mfa.enable(id, 'sealed-2', 101, ['h3']), false, 'an enabled seed is never replaced');
    assert.equal((await mfa.findTotp(id))?.secretCiphertext, 'sealed-1');
    assert.equal(await mfa.countUnusedRecoveryCodes(id), 2);
  });

  it('replaces a row an older release left pending, and such a row verifies nothing', async () => {
    const id = await newAccount();
    await db.primary.insertInto('account_totp').values({ account_id: id, secret_ciphertext: 'planted', enabled_at: null }).execute();
    assert.equal(await mfa.acceptStep(id, 100), false, 'a pending row accepts no sign-in code');
    assert.equal(await mfa.enable(id, 'own', 100, []), true);
    assert.equal((await mfa.findTotp(id))?.secretCiphertext, 'own');
  });

  it('accepts each time step once, and never one at or before the last accepted', async () => {
    const id = await newAccount();
    await mfa.enable(id, 's', 1000, []);
    assert.equal(await mfa.acceptStep(id, 1000), false, 'the enrolment code cannot sign in again');
    assert.equal(await mfa.acceptStep(id, 1001), true);
    assert.equal(await mfa.acceptStep(id, 1001), false, 'replay');
    assert.equal(await mfa.acceptStep(id, 1000), false, 'an older step after a newer one');
    assert.equal(await mfa.acceptStep(id, 1002), true);
    assert.equal((await mfa.findTotp(id))?.lastStep, 1002);
  });

  it('lets exactly one of 20 parallel submissions of one step through', async () => {
    const id = await newAccount();
    await mfa.enable(id, 's', 5000, []);
    const results = await Promise.all(Array.from({ length: 20 }, () => mfa.acceptStep(id, 5001)));
    assert.equal(results.filter(Boolean).length, 1);
  });

  it('uses a recovery code once, even under 20 parallel attempts, and only while TOTP is on', async () => {
    const id = await newAccount();
    await mfa.enable(id, 's', 10, ['code-a', 'code-b']);
    const results = await Promise.all(Array.from({ length: 20 }, () => mfa.consumeRecoveryCode(id, 'code-a')));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await mfa.consumeRecoveryCode(id, 'code-a'), false);
    assert.equal(await mfa.consumeRecoveryCode(id, 'unknown'), false);
    assert.equal(await mfa.countUnusedRecoveryCodes(id), 1);
    const other = await newAccount();
    assert.equal(await mfa.consumeRecoveryCode(other, 'code-b'), false, 'codes belong to one account');
  });

  it('replaces recovery codes only while TOTP is on, and removes everything when turned off', async () => {
    const id = await newAccount();
    assert.equal(await mfa.replaceRecoveryCodes(id, ['x']), false);
    await mfa.enable(id, 's', 10, ['old-1', 'old-2']);
    assert.equal(await mfa.replaceRecoveryCodes(id, ['new-1', 'new-2', 'new-3']), true);
    assert.equal(await mfa.consumeRecoveryCode(id, 'old-1'), false, 'old codes die');
    assert.equal(await mfa.countUnusedRecoveryCodes(id), 3);
    assert.equal(await mfa.disable(id), true);
    assert.equal(await mfa.findTotp(id), undefined);
    assert.equal(await mfa.countUnusedRecoveryCodes(id), 0);
    assert.equal(await mfa.disable(id), false);
  });
});

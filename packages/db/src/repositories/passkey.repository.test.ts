/** The passkey repository against real PGlite with the real migrations: single use is decided by SQL. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccountRepository, createPasskeyRepository, migrateToLatest, openPglite, type Database, type PasskeyRepository } from '../index.js';

describe('passkey repository on PGlite', () => {
  let db: Database;
  let passkeys: PasskeyRepository;
  let n = 0;
  const newAccount = async () => {
    n += 1;
    const id = `pk-${n}`;
    await createAccountRepository(db).insert({ id, email: `${id}@example.com`, passwordHash: 'h', name: null });
    return id;
  };
  const passkey = (accountId: string, id: string, counter = 0) => ({ id, accountId, publicKey: 'pk', counter, transports: ['internal'], name: 'Laptop', aaguid: '00000000-0000-0000-0000-000000000000' });
  before(async () => {
    db = await openPglite(undefined);
    await migrateToLatest(db);
    passkeys = createPasskeyRepository(db);
  });
  after(() => db.close());

  it('stores passkeys per account, and a credential id once across accounts', async () => {
    const a = await newAccount();
    const b = await newAccount();
    assert.equal(await passkeys.insert(passkey(a, 'cred-1')), true);
    assert.equal(await passkeys.insert(passkey(a, 'cred-2')), true);
    assert.equal(await passkeys.insert(passkey(b, 'cred-1')), false, 'a registered credential id is refused');
    assert.deepEqual((await passkeys.listForAccount(a)).map((p) => p.id), ['cred-1', 'cred-2']);
    assert.equal(await passkeys.countForAccount(b), 0);
    const found = await passkeys.findById('cred-1');
    assert.equal(found?.accountId, a);
    assert.deepEqual(found?.transports, ['internal']);
    assert.equal(found?.lastUsedAt, null);
  });

  it('accepts an assertion once per challenge, and only with a counter that moved forward', async () => {
    const a = await newAccount();
    await passkeys.insert(passkey(a, 'cred-c', 5));
    assert.equal(await passkeys.recordUse('cred-c', 'ch-1', 6), true);
    assert.equal(await passkeys.recordUse('cred-c', 'ch-1', 7), false, 'the same challenge again');
    assert.equal(await passkeys.recordUse('cred-c', 'ch-2', 6), false, 'a counter that did not move');
    assert.equal(await passkeys.recordUse('cred-c', 'ch-3', 0), false, 'a counter that went back to 0');
    assert.equal(await passkeys.recordUse('cred-c', 'ch-4', 9), true);
    const found = await passkeys.findById('cred-c');
    assert.equal(found?.counter, 9);
    assert.ok(found?.lastUsedAt instanceof Date);
  });

  it('lets an authenticator without a counter sign in, each challenge once, under 20 parallel submissions', async () => {
    const a = await newAccount();
    await passkeys.insert(passkey(a, 'cred-z'));
    const results = await Promise.all(Array.from({ length: 20 }, () => passkeys.recordUse('cred-z', 'ch-z', 0)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await passkeys.recordUse('cred-z', 'ch-z2', 0), true);
  });

  it('renames and removes only the account’s own passkeys, and removes all of them at once', async () => {
    const a = await newAccount();
    const b = await newAccount();
    await passkeys.insert(passkey(a, 'cred-r1'));
    await passkeys.insert(passkey(a, 'cred-r2'));
    assert.equal(await passkeys.rename(b, 'cred-r1', 'Stolen'), false);
    assert.equal(await passkeys.remove(b, 'cred-r1'), false);
    assert.equal(await passkeys.rename(a, 'cred-r1', 'Phone'), true);
    assert.equal((await passkeys.findById('cred-r1'))?.name, 'Phone');
    assert.equal(await passkeys.remove(a, 'cred-r1'), true);
    assert.equal(await passkeys.remove(a, 'cred-r1'), false);
    await passkeys.insert(passkey(a, 'cred-r3'));
    assert.equal(await passkeys.deleteAllForAccount(a), 2);
    assert.equal(await passkeys.countForAccount(a), 0);
  });
});

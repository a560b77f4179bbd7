/** Repositories against a real (embedded) PostgreSQL with the real migrations. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createAccountRepository,
  createConsentRepository,
  createOidcPayloadRepository,
  createSigningKeyRepository,
  DuplicateEmailError,
  migrateToLatest,
  migrationStatus,
  openPglite,
  type Database,
} from './index.js';

describe('repositories on PGlite', () => {
  let db: Database;
  before(async () => {
    db = await openPglite(undefined);
    await migrateToLatest(db);
  });
  after(() => db.close());

  it('migrates once and reports every migration as applied', async () => {
    const again = await migrateToLatest(db);
    assert.deepEqual(again.applied, []);
    const status = await migrationStatus(db);
    assert.ok(status.length > 0 && status.every((m) => m.executedAt instanceof Date));
  });

  it('refuses a second account with the same email', async () => {
    const accounts = createAccountRepository(db);
    await accounts.insert({ id: 'a1', email: 'dup@example.com', passwordHash: 'h', name: null });
    await assert.rejects(accounts.insert({ id: 'a2', email: 'dup@example.com', passwordHash: 'h', name: null }), DuplicateEmailError);
  });

  it('consumes a payload exactly once under 50 concurrent attempts', async () => {
    const payloads = createOidcPayloadRepository(db);
    await payloads.upsert('AuthorizationCode', 'code-1', { grantId: 'g1' }, new Date(Date.now() + 60_000));
    const results = await Promise.all(Array.from({ length: 50 }, () => payloads.consume('AuthorizationCode', 'code-1', new Date())));
    assert.equal(results.filter(Boolean).length, 1);
    const found = await payloads.find('AuthorizationCode', 'code-1', new Date());
    assert.ok(found?.consumedAt instanceof Date);
  });

  it('hides expired payloads and sweeps them', async () => {
    const payloads = createOidcPayloadRepository(db);
    await payloads.upsert('Session', 'old', { uid: 'u-old' }, new Date(Date.now() - 1000));
    assert.equal(await payloads.find('Session', 'old', new Date()), undefined);
    assert.equal(await payloads.findBy('Session', 'uid', 'u-old', new Date()), undefined);
    assert.ok((await payloads.deleteExpired(new Date())) >= 1);
  });

  it('revokes every payload of a grant', async () => {
    const payloads = createOidcPayloadRepository(db);
    const later = new Date(Date.now() + 60_000);
    await payloads.upsert('AccessToken', 'at', { grantId: 'g-revoke' }, later);
    await payloads.upsert('RefreshToken', 'rt', { grantId: 'g-revoke' }, later);
    await payloads.upsert('AccessToken', 'other', { grantId: 'g-keep' }, later);
    await payloads.revokeByGrantId('g-revoke');
    assert.equal(await payloads.find('AccessToken', 'at', new Date()), undefined);
    assert.equal(await payloads.find('RefreshToken', 'rt', new Date()), undefined);
    assert.ok(await payloads.find('AccessToken', 'other', new Date()));
  });

  it('lists live grants by client (the index behind deleting a client)', async () => {
    const payloads = createOidcPayloadRepository(db);
    const later = new Date(Date.now() + 60_000);
    await payloads.upsert('Grant', 'g-a1', { accountId: 'x', clientId: 'app-a' }, later);
    await payloads.upsert('Grant', 'g-a2', { accountId: 'y', clientId: 'app-a' }, later);
    await payloads.upsert('Grant', 'g-a-old', { accountId: 'y', clientId: 'app-a' }, new Date(Date.now() - 1000));
    await payloads.upsert('Grant', 'g-b', { accountId: 'x', clientId: 'app-b' }, later);
    await payloads.upsert('AccessToken', 'at-a', { clientId: 'app-a', grantId: 'g-a1' }, later);
    assert.deepEqual((await payloads.listGrantIdsByClient('app-a', new Date())).sort(), ['g-a1', 'g-a2']);
  });

  it('lists consents by account with the client name and when each was first given, and forgets one client or all', async () => {
    const accounts = createAccountRepository(db);
    await accounts.insert({ id: 'c2', email: 'consents@example.com', passwordHash: 'h', name: null });
    for (const id of ['app-1', 'app-2']) await db.primary.insertInto('clients').values({ client_id: id, name: `App ${id}`, first_party: false, metadata: '{}', secret_ciphertext: null }).execute();
    const consents = createConsentRepository(db);
    await consents.grant('c2', 'app-1', ['openid']);
    await consents.grant('c2', 'app-2', ['openid', 'email']);
    const listed = await consents.listForAccount('c2');
    assert.deepEqual(listed.map((c) => [c.clientId, c.clientName]), [['app-1', 'App app-1'], ['app-2', 'App app-2']]);
    assert.ok(listed.every((c) => c.createdAt instanceof Date));
    assert.equal(await consents.revoke('c2', 'app-1'), 1);
    assert.deepEqual((await consents.listForAccount('c2')).map((c) => c.clientId), ['app-2']);
    await db.primary.deleteFrom('clients').where('client_id', '=', 'app-2').execute();
    assert.deepEqual(await consents.listForAccount('c2'), [], "a deleted client's consents go with it");
  });

  it('remembers the union of consented scopes and forgets them on revoke', async () => {
    const accounts = createAccountRepository(db);
    await accounts.insert({ id: 'c1', email: 'consent@example.com', passwordHash: 'h', name: null });
    await db.primary.insertInto('clients').values({ client_id: 'app', name: 'App', first_party: false, metadata: '{}', secret_ciphertext: null }).execute();
    const consents = createConsentRepository(db);
    await consents.grant('c1', 'app', ['openid', 'email']);
    await consents.grant('c1', 'app', ['openid', 'profile']);
    assert.deepEqual((await consents.find('c1', 'app'))?.scopes.sort(), ['email', 'openid', 'profile']);
    assert.equal(await consents.revoke('c1'), 1);
    assert.equal(await consents.find('c1', 'app'), undefined);
  });

  it('rotates signing keys so exactly one generation is active', async () => {
    const keys = createSigningKeyRepository(db);
    const gen = (n: number) => [{ kid: `k${n}`, alg: 'RS256', privateJwkCiphertext: 'x' }];
    assert.equal(await keys.insertInitial(gen(1)), true);
    assert.equal(await keys.insertInitial(gen(2)), false);
    await keys.rotate(gen(3), new Date(Date.now() + 3600_000));
    const published = await keys.listPublished(new Date());
    assert.deepEqual(published.filter((k) => k.status === 'active').map((k) => k.kid), ['k3']);
    assert.deepEqual(published.filter((k) => k.status === 'retired').map((k) => k.kid), ['k1']);
    const later = await keys.listPublished(new Date(Date.now() + 2 * 3600_000));
    assert.deepEqual(later.map((k) => k.kid), ['k3']);
  });
});

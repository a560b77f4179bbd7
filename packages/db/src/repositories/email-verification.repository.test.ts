/**
 * Email verification codes against PGlite and a real PostgreSQL server (truly concurrent
 * connections), with the real migrations: a code takes at most MAX_EMAIL_CODE_GUESSES guesses,
 * decided by SQL, and its link still works after them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccountRepository, createEmailVerificationRepository, MAX_EMAIL_CODE_GUESSES, migrateToLatest, openPglite, openPostgres, type Database, type EmailVerificationRepository } from '../index.js';
import { startPostgresServer, type PostgresServer } from '../drivers/postgres-server.test-support.js';

for (const engine of ['PGlite', 'PostgreSQL'] as const) describe(`email verification repository on ${engine}`, () => {
  let db: Database;
  let server: PostgresServer | undefined;
  let verifications: EmailVerificationRepository;
  let n = 0;
  const issued = async () => {
    n += 1;
    const id = `ev-${n}`;
    await createAccountRepository(db).insert({ id, email: `${id}@example.com`, passwordHash: 'hash', name: null });
    await verifications.replace(db.primary, { id: `v-${id}`, accountId: id, email: `${id}@example.com`, codeHash: `code-${id}`, tokenHash: `token-${id}`, expiresAt: new Date(Date.now() + 60_000) });
    return id;
  };

  before(async () => {
    if (engine === 'PostgreSQL') server = await startPostgresServer();
    db = server ? openPostgres({ url: server.url, poolSize: 10 }) : await openPglite(undefined);
    await migrateToLatest(db);
    verifications = createEmailVerificationRepository(db);
  });
  after(async () => {
    await db.close();
    await server?.close();
  });

  it('gives a code five guesses, of 20 concurrent ones exactly five, then none; the link still verifies', async () => {
    const id = await issued();
    const guesses = await Promise.all(Array.from({ length: 20 }, () => verifications.takeGuess(id)));
    assert.equal(MAX_EMAIL_CODE_GUESSES, 5);
    assert.equal(guesses.filter(Boolean).length, 5);
    assert.equal(await verifications.takeGuess(id), undefined, 'the code is void');
    assert.equal(await verifications.consume({ tokenHash: `token-${id}` }), id, 'the link still works');
  });

  it('starts a replaced verification with all its guesses', async () => {
    const id = await issued();
    for (let i = 0; i < 5; i++) assert.ok(await verifications.takeGuess(id));
    await verifications.replace(db.primary, { id: `v2-${id}`, accountId: id, email: `${id}@example.com`, codeHash: 'new', tokenHash: `token2-${id}`, expiresAt: new Date(Date.now() + 60_000) });
    assert.equal((await verifications.takeGuess(id))?.id, `v2-${id}`);
  });
});

/**
 * Account links against PGlite and a real PostgreSQL server (truly concurrent connections), with
 * the real migrations: single use and invalidation are decided by SQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccountLinkRepository, createAccountRepository, DuplicateEmailError, migrateToLatest, openPglite, openPostgres, type AccountLinkRepository, type Database } from '../index.js';
import { startPostgresServer, type PostgresServer } from '../drivers/postgres-server.test-support.js';

for (const engine of ['PGlite', 'PostgreSQL'] as const) describe(`account link repository on ${engine}`, () => {
  let db: Database;
  let server: PostgresServer | undefined;
  let links: AccountLinkRepository;
  let n = 0;
  const now = new Date('2026-12-03T12:00:00Z');
  const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  const newAccount = async () => {
    n += 1;
    const id = `link-${n}`;
    await createAccountRepository(db).insert({ id, email: `${id}@example.com`, passwordHash: 'old-hash', name: null });
    return id;
  };
  const issue = (accountId: string, tokenHash: string, purpose: 'reset' | 'invite' | 'email-change' = 'reset', newEmail?: string) =>
    links.issue({ tokenHash, accountId, purpose, now, expiresAt: later(30), ...(newEmail && { newEmail }) });
  const redeem = (tokenHash: string, at = later(1), purpose: 'reset' | 'invite' = 'reset') => links.redeemPassword({ tokenHash, purpose, passwordHash: `new-${tokenHash}`, now: at });

  before(async () => {
    if (engine === 'PostgreSQL') server = await startPostgresServer();
    db = server ? openPostgres({ url: server.url, poolSize: 10 }) : await openPglite(undefined);
    await migrateToLatest(db);
    links = createAccountLinkRepository(db);
  });
  after(async () => {
    await db.close();
    await server?.close();
  });

  it('uses a link once: of 20 concurrent uses exactly one sets the password', async () => {
    const id = await newAccount();
    assert.equal(await issue(id, 'h-once'), true);
    const results = await Promise.all(Array.from({ length: 20 }, () => redeem('h-once')));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal((await createAccountRepository(db).findCredentialsById(id))?.passwordHash, 'new-h-once');
    assert.equal(await links.find('h-once', 'reset', later(1)), undefined);
  });

  it('refuses an expired link, a link of another purpose, and an unknown hash', async () => {
    const id = await newAccount();
    await issue(id, 'h-exp');
    assert.equal(await redeem('h-exp', later(30)), undefined, 'expired at its expiry');
    assert.equal(await redeem('h-exp', later(1), 'invite'), undefined, 'a reset link is no invitation');
    assert.equal(await redeem('h-unknown'), undefined);
    assert.ok(await redeem('h-exp'), 'still usable by its own purpose in time');
  });

  it('retires older links of the same purpose, not of another', async () => {
    const id = await newAccount();
    await issue(id, 'h-first');
    await issue(id, 'h-invite', 'invite');
    await issue(id, 'h-second');
    assert.equal(await links.find('h-first', 'reset', later(1)), undefined);
    assert.ok(await links.find('h-second', 'reset', later(1)));
    assert.ok(await links.find('h-invite', 'invite', later(1)));
  });

  it('leaves exactly one usable link when ten are issued at once', async () => {
    const id = await newAccount();
    const hashes = Array.from({ length: 10 }, (_, i) => `h-burst-${engine}-${i}`);
    await Promise.all(hashes.map((hash) => issue(id, hash)));
    const usable = await Promise.all(hashes.map((hash) => links.find(hash, 'reset', later(1))));
    assert.equal(usable.filter(Boolean).length, 1);
  });

  it('stops every link of an account whose password or email changed, or that was disabled', async () => {
    const accounts = createAccountRepository(db);
    const a = await newAccount();
    await issue(a, 'h-pw');
    await accounts.updatePasswordHash(a, 'changed-elsewhere');
    assert.equal(await redeem('h-pw'), undefined, 'password changed since the link was issued');
    const b = await newAccount();
    await issue(b, 'h-dis');
    await accounts.setDisabled(b, true);
    assert.equal(await redeem('h-dis'), undefined, 'disabled account');
    const c = await newAccount();
    await issue(c, 'h-reset-c');
    await issue(c, 'h-mail-c', 'email-change', `moved-${c}@example.com`);
    assert.ok(await links.redeemEmail({ tokenHash: 'h-mail-c', now: later(1) }));
    assert.equal(await redeem('h-reset-c'), undefined, 'email changed since the link was issued');
  });

  it('changes the email to the verified new address, and a taken address changes nothing', async () => {
    const accounts = createAccountRepository(db);
    const id = await newAccount();
    const other = await newAccount();
    await issue(id, 'h-move', 'email-change', `new-${id}@example.com`);
    assert.deepEqual(await links.redeemEmail({ tokenHash: 'h-move', now: later(1) }), { accountId: id, oldEmail: `${id}@example.com`, newEmail: `new-${id}@example.com` });
    const moved = await accounts.findByEmail(`new-${id}@example.com`);
    assert.equal(moved?.id, id);
    assert.equal(moved?.emailVerified, true);
    await issue(id, 'h-taken', 'email-change', `${other}@example.com`);
    await assert.rejects(links.redeemEmail({ tokenHash: 'h-taken', now: later(1) }), DuplicateEmailError);
    assert.equal((await accounts.findById(id))?.email, `new-${id}@example.com`);
    assert.ok(await links.find('h-taken', 'email-change', later(1)), 'the lost race left the link unused');
  });

  it('marks the email verified when a reset or an invitation is used (the link reached the mailbox), and says whether it was before', async () => {
    const accounts = createAccountRepository(db);
    const a = await newAccount();
    await issue(a, 'h-r');
    const seen: boolean[] = [];
    const first = await links.redeemPassword({ tokenHash: 'h-r', purpose: 'reset', passwordHash: 'new-h-r', now: later(1) }, (_trx, redeemed) => (seen.push(redeemed.wasVerified), Promise.resolve()));
    assert.equal(first?.wasVerified, false);
    assert.deepEqual(seen, [false], 'within sees the state the reset replaced');
    assert.equal((await accounts.findById(a))?.emailVerified, true);
    await issue(a, 'h-i', 'invite');
    assert.equal((await redeem('h-i', later(1), 'invite'))?.wasVerified, true);
    assert.equal((await accounts.findById(a))?.emailVerified, true);
  });
});

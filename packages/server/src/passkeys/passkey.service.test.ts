/**
 * The passkey service on real PGlite with a software authenticator: each assertion is accepted
 * once, a sign-in with a passkey alone needs user verification and counts its failures like a
 * code, a credential of another account proves nothing for this one, and adding and removing
 * write their events and end the other sessions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccountRepository, createPasskeyRepository, migrateToLatest, openPglite, type Database } from '@portcullis/db';
import { createRelyingParty } from './webauthn.js';
import { createPasskeyCredentials } from './passkey-credentials.js';
import { createPasskeyService, type PasskeyService } from './passkey.service.js';
import { createPasskeyFactor } from '../mfa/factors/passkey.factor.js';
import { createSoftCredential, type SoftCredential } from '../testing/soft-authenticator.js';
import type { AuditInput, AuditService } from '../audit/audit.service.js';
import type { AttemptGuard } from '../limits/attempt-guard.js';
import type { SessionEnding } from '../accounts/session-ending.js';
import type { UsersService } from '../accounts/users.service.js';
import type { CheckAt } from '../limits/guarded-check.js';

const here = { origin: 'https://id.example.test', rpId: 'id.example.test' };
const at: CheckAt = { ip: '203.0.113.9', meta: { ip: '203.0.113.9', userAgent: 'test' }, clientId: 'app' };

describe('passkey service', () => {
  let db: Database;
  let service: PasskeyService;
  let credentials: ReturnType<typeof createPasskeyCredentials>;
  const events: AuditInput[] = [];
  const guard = { failures: 0, refuse: false };
  const ended: string[] = [];
  const notices: { accountId: string; name: string; locale: string }[] = [];
  const disabled = new Set<string>();
  let n = 0;

  const newAccount = async () => {
    n += 1;
    const id = `acc-${n}`;
    await createAccountRepository(db).insert({ id, email: `${id}@example.com`, passwordHash: 'h', name: null });
    return id;
  };
  /** An account with one passkey added through the service (a registration ceremony). */
  const withPasskey = async (): Promise<{ accountId: string; key: SoftCredential }> => {
    const accountId = await newAccount();
    const key = createSoftCredential(accountId);
    const { challenge } = await service.registrationOptions({ id: accountId, email: `${accountId}@example.com` }, 'Portcullis');
    assert.equal(await service.add({ accountId, challenge, response: key.register({ challenge, ...here }), name: 'Laptop', locale: 'en', at, keepSessionId: 'kept' }), 'added');
    return { accountId, key };
  };

  before(async () => {
    db = await openPglite(undefined);
    await migrateToLatest(db);
    const repository = createPasskeyRepository(db);
    const rp = createRelyingParty({ issuer: here.origin });
    credentials = createPasskeyCredentials({ repository, rp });
    const attemptGuard: AttemptGuard = {
      begin: () => Promise.resolve(guard.refuse ? { allowed: false, retryAfterSeconds: 60 } : { allowed: true, succeeded: () => Promise.resolve(), failed: () => ((guard.failures += 1), Promise.resolve([])) }),
      lockedFor: () => Promise.resolve(undefined),
      clear: () => Promise.resolve(),
    };
    const audit = { record: (input: AuditInput) => (events.push(input), Promise.resolve()) } as unknown as AuditService;
    const sessions = { afterCredentialChange: (accountId: string) => (ended.push(accountId), Promise.resolve({ sessionsEnded: 1, grantsRevoked: 2 })) } as unknown as SessionEnding;
    const users = { findById: (id: string) => Promise.resolve({ id, email: `${id}@example.com`, disabled: disabled.has(id) }) } as unknown as UsersService;
    service = createPasskeyService({ repository, credentials, rp, guard: attemptGuard, audit, sessions, users, hasSecondFactor: async (id) => (await repository.countForAccount(id)) > 1, notifyAdded: (input) => (notices.push(input), Promise.resolve()) });
  });
  after(() => db.close());

  it('adds a passkey from a registration answering its challenge, ends the other sessions for a first factor, and writes passkey.added', async () => {
    events.length = 0;
    ended.length = 0;
    const { accountId, key } = await withPasskey();
    assert.deepEqual((await service.list(accountId)).map((p) => p.name), ['Laptop']);
    assert.deepEqual(ended, [accountId], 'the first second factor raises how the account signs in (A16)');
    const added = events.find((e) => e.type === 'passkey.added');
    assert.deepEqual(added?.detail, { passkey: key.id, first_factor: true, sessions_ended: 1, grants_revoked: 2 });
    assert.deepEqual(notices.at(-1), { accountId, name: 'Laptop', locale: 'en' }, 'the owner is told of every added passkey');
    const noticesBefore = notices.length;
    // The same authenticator again, for this account or another: refused.
    const other = await newAccount();
    const { challenge } = await service.registrationOptions({ id: other, email: 'x@example.com' }, 'Portcullis');
    assert.equal(await service.add({ accountId: other, challenge, response: key.register({ challenge, ...here }), name: 'Mine', locale: 'en', at, keepSessionId: 'k' }), 'invalid');
    assert.equal(await service.add({ accountId: other, challenge: 'c3RhbGU', response: createSoftCredential(other).register({ challenge, ...here }), name: 'x', locale: 'en', at, keepSessionId: 'k' }), 'invalid', 'a registration for another challenge');
    assert.equal(events.filter((e) => e.type === 'passkey.added' && e.outcome === 'failure').length, 2);
    assert.equal(notices.length, noticesBefore, 'no notice for a passkey that was not added');
  });

  it('signs in with a passkey alone once per assertion, with user verification, and writes signin with method passkey', async () => {
    const { accountId, key } = await withPasskey();
    events.length = 0;
    const { challenge } = await service.signInOptions();
    const assertion = key.assert({ challenge, ...here });
    const first = await service.signIn({ challenge, response: assertion, at });
    assert.deepEqual(first, { limited: false, accountId });
    const replay = await service.signIn({ challenge, response: assertion, at });
    assert.deepEqual(replay, { limited: false }, 'the same assertion (same challenge) is accepted once');
    const { challenge: next } = await service.signInOptions();
    assert.deepEqual(await service.signIn({ challenge: next, response: assertion, at }), { limited: false }, 'an old assertion for a new challenge');
    const noUv = await service.signIn({ challenge: next, response: key.assert({ challenge: next, ...here, userVerified: false }), at });
    assert.deepEqual(noUv, { limited: false }, 'user verification is required for a passkey alone');
    assert.deepEqual(events.filter((e) => e.type === 'signin').map((e) => [e.outcome ?? 'success', e.accountId, e.detail?.method]), [
      ['success', accountId, 'passkey'], ['failure', accountId, 'passkey'], ['failure', accountId, 'passkey'], ['failure', accountId, 'passkey'],
    ]);
  });

  it('counts a failed assertion like a wrong code, and checks nothing once the limit refuses', async () => {
    const { key } = await withPasskey();
    const before = guard.failures;
    const { challenge } = await service.signInOptions();
    await service.signIn({ challenge, response: key.assert({ challenge: 'd3Jvbmc', ...here }), at });
    await service.signIn({ challenge, response: '{"not":"an assertion"}', at });
    assert.equal(guard.failures, before + 2);
    guard.refuse = true;
    try {
      const refused = await service.signIn({ challenge, response: key.assert({ challenge, ...here }), at });
      assert.deepEqual(refused, { limited: true, retryAfterSeconds: 60 });
    } finally {
      guard.refuse = false;
    }
  });

  it('refuses a sign-in for a disabled account', async () => {
    const { accountId, key } = await withPasskey();
    disabled.add(accountId);
    const { challenge } = await service.signInOptions();
    assert.deepEqual(await service.signIn({ challenge, response: key.assert({ challenge, ...here }), at }), { limited: false });
  });

  it('as a second step, accepts only the account’s own passkeys, for the drawn challenge, once', async () => {
    const mine = await withPasskey();
    const theirs = await withPasskey();
    const factor = createPasskeyFactor({ passkeys: credentials });
    assert.equal(await factor.enrolled?.(mine.accountId), true);
    const drawn = await factor.challenge?.(mine.accountId);
    assert.ok(drawn);
    const allowed = (drawn.options as { allowCredentials?: { id: string }[] }).allowCredentials?.map((c) => c.id);
    assert.deepEqual(allowed, [mine.key.id], 'only this account’s passkeys are offered');
    const foreign = theirs.key.assert({ challenge: drawn.challenge, ...here });
    assert.equal(await factor.verify(mine.accountId, foreign, drawn.challenge), false, 'a credential of another account');
    assert.equal(await credentials.accept({ response: foreign, challenge: drawn.challenge, requireUserVerification: false, accountId: theirs.accountId }), theirs.accountId, 'refused before it was checked or used up');
    assert.equal(await factor.verify(mine.accountId, mine.key.assert({ challenge: drawn.challenge, ...here }), undefined), false, 'no challenge');
    const presence = mine.key.assert({ challenge: drawn.challenge, ...here, userVerified: false });
    assert.equal(await factor.verify(mine.accountId, presence, drawn.challenge), true, 'presence is enough after a password');
    assert.equal(await factor.verify(mine.accountId, presence, drawn.challenge), false, 'once');
    assert.equal(await factor.challenge?.(await newAccount()), undefined, 'an account without passkeys gets no challenge');
  });

  it('renames and removes only the account’s own passkeys; removal ends the other sessions and writes passkey.removed', async () => {
    const mine = await withPasskey();
    const theirs = await withPasskey();
    assert.equal(await service.rename(mine.accountId, theirs.key.id, 'Stolen'), false);
    assert.equal(await service.rename(mine.accountId, mine.key.id, '  \u0007 '), false, 'an empty name');
    assert.equal(await service.rename(mine.accountId, mine.key.id, ' Work\u0000 laptop '), true);
    assert.equal((await service.list(mine.accountId))[0]?.name, 'Work laptop');
    events.length = 0;
    ended.length = 0;
    assert.equal(await service.remove({ accountId: mine.accountId, id: theirs.key.id, at, keepSessionId: 'k' }), false);
    assert.equal(await service.remove({ accountId: mine.accountId, id: mine.key.id, at, keepSessionId: 'k' }), true);
    assert.deepEqual(ended, [mine.accountId]);
    assert.deepEqual(events.map((e) => [e.type, e.outcome ?? 'success']), [['passkey.removed', 'failure'], ['passkey.removed', 'success']]);
    const { challenge } = await service.signInOptions();
    assert.deepEqual(await service.signIn({ challenge, response: mine.key.assert({ challenge, ...here }), at }), { limited: false }, 'a removed passkey signs nobody in');
    assert.equal(await service.deleteAllForAccount(theirs.accountId), 1);
  });
});

import { NO_REQUEST } from '../audit/audit.service.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Account, AccountRepository, AuditQuery, ListedAuditEvent } from '@portcullis/db';
import { createUsersService } from './users.service.js';
import type { Limits } from '../limits/limits.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionEnding } from './session-ending.js';
import type { AppError } from '../http/app-error.js';

const ada: Account = { id: 'acc', email: 'ada@example.com', name: null, emailVerified: false, disabled: false, createdAt: new Date(0) };
const event = (extra: Partial<ListedAuditEvent>): ListedAuditEvent => ({
  id: 'e', time: new Date(0), type: 'signin', outcome: 'success', accountId: 'acc', clientId: null, ip: null, userAgent: null, detail: {}, accountEmail: null, ...extra,
});

function setup() {
  const calls: string[] = [];
  let account = { ...ada };
  const accounts = {
    findById: (id: string) => (calls.push(`findById:${id}`), Promise.resolve(id === account.id ? account : undefined)),
    findByEmail: (email: string) => (calls.push(`findByEmail:${email}`), Promise.resolve(email === account.email ? account : undefined)),
    setDisabled: (id: string, disabled: boolean) => {
      calls.push(`setDisabled:${id}:${disabled}`);
      account = { ...account, disabled };
      return Promise.resolve(account);
    },
  } as unknown as AccountRepository;
  const ending = {
    endAll: (accountId: string, why: { reason: string }) => (calls.push(`endAll:${accountId}:${why.reason}`), Promise.resolve({ sessionsEnded: 2, grantsRevoked: 1 })),
  } as unknown as SessionEnding;
  const queries: AuditQuery[] = [];
  const audit = {
    record: (input: { type: string; accountId?: string; detail?: Record<string, unknown> }) => (calls.push(`audit:${input.type}:${input.accountId}:${String(input.detail?.actor)}`), Promise.resolve()),
    list: (query: AuditQuery) => {
      queries.push(query);
      return Promise.resolve([
        event({ outcome: 'failure', ip: '198.51.100.1' }),
        event({ type: 'lockout', ip: '198.51.100.2' }),
        event({ outcome: 'failure', ip: '198.51.100.1' }),
        event({ ip: '198.51.100.3' }),
        event({ outcome: 'failure', ip: null }),
      ]);
    },
  } as unknown as AuditService;
  const cleared: [string, string, readonly string[]][] = [];
  const tier = (durationSeconds: number, blockSeconds?: number) => ({ points: 5, durationSeconds, ...(blockSeconds && { blockSeconds }) });
  const limits = {
    policy: { passwordPerAccountAndAddress: [tier(600), tier(3600, 7200)], mfaPerAccountAndAddress: [tier(900)] },
    password: {
      clear: (subject: string, ips: readonly string[]) => (cleared.push(['password', subject, ips]), Promise.resolve()),
      lockedFor: (subject: string, ips: readonly string[]) => Promise.resolve(subject === 'ada@example.com' && ips.length === 2 ? 90 : undefined),
    },
    mfa: {
      clear: (subject: string, ips: readonly string[]) => (cleared.push(['mfa', subject, ips]), Promise.resolve()),
      lockedFor: () => Promise.resolve(undefined),
    },
  } as unknown as Limits;
  const now = new Date('2026-12-03T10:00:00Z');
  const mfaStatus = () => Promise.resolve({ enabled: true, recoveryCodesLeft: 7 });
  const users = createUsersService({ accounts, limits, audit, ending, mfaStatus, passkeyCount: () => Promise.resolve(2), clock: () => now });
  return { users, calls, queries, cleared, now };
}

describe('users service', () => {
  it('finds by id, or by the normalised email when it holds an @', async () => {
    const { users, calls } = setup();
    assert.equal((await users.find('acc')).id, 'acc');
    assert.equal((await users.find('  Ada@Example.COM ')).id, 'acc');
    assert.deepEqual(calls, ['findById:acc', 'findByEmail:ada@example.com']);
  });

  it('answers user.not_found for an unknown user and for U+0000 without asking the store', async () => {
    const { users, calls } = setup();
    await assert.rejects(users.find('nobody'), (error: AppError) => error.code === 'user.not_found');
    await assert.rejects(users.find('a\u0000b@example.com'), (error: AppError) => error.code === 'user.not_found');
    assert.deepEqual(calls, ['findById:nobody']);
  });

  it('disables first, then ends every session and grant; enabling ends nothing', async () => {
    const { users, calls } = setup();
    assert.equal((await users.setDisabled('acc', true, NO_REQUEST)).disabled, true);
    assert.deepEqual(calls.slice(1), ['setDisabled:acc:true', 'audit:account.disabled:acc:admin', 'endAll:acc:user_disabled']);
    calls.length = 0;
    assert.equal((await users.setDisabled('acc', false, NO_REQUEST)).disabled, false);
    assert.deepEqual(calls.slice(1), ['setDisabled:acc:false', 'audit:account.enabled:acc:admin']);
  });

  it('looks up the second factor, the last sign-in and the lockout of an account', async () => {
    const { users, queries, now } = setup();
    const details = await users.details(await users.find('acc'));
    assert.deepEqual(details.mfa, { enabled: true, recoveryCodesLeft: 7, passkeys: 2 });
    assert.deepEqual(details.passwordLockedUntil, new Date(now.getTime() + 90_000), 'locked from the addresses that failed');
    assert.equal(details.codeLockedUntil, undefined);
    assert.ok(queries.some((q) => q.type === 'signin' && q.outcome === 'success' && q.limit === 1));
    assert.ok(details.lastSignInAt instanceof Date);
  });

  it('unlocks by clearing password and code counters for every address that recently failed', async () => {
    const { users, queries, cleared, now, calls } = setup();
    assert.equal((await users.unlock('ada@example.com', NO_REQUEST)).id, 'acc');
    assert.equal(calls.at(-1), 'audit:account.unlocked:acc:admin');
    assert.deepEqual(queries, [{ accountId: 'acc', since: new Date(now.getTime() - 7200 * 1000), limit: 1000 }], 'the longest address-keyed window');
    const addresses = ['198.51.100.1', '198.51.100.2'];
    assert.deepEqual(cleared, [['password', 'ada@example.com', addresses], ['mfa', 'acc', addresses]]);
  });
});

/**
 * Registration without enumeration (SECURITY.md A2): a new address and a taken one cost the same
 * work (the policy, one argon2id hash, one queued message) behind the same limits, and only the
 * audit log tells them apart. Fakes count the work; the outbox and transaction are real enough
 * to see which message is queued where.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateEmailError, type Account, type PrimaryDb } from '@portcullis/db';
import type { AuditInput, AuditService } from '../audit/audit.service.js';
import { createRegistrationService } from './registration.service.js';
import type { PasswordHasher } from './password-hasher.js';

const at = { ip: '192.0.2.1', meta: { ip: '192.0.2.1', userAgent: null }, clientId: 'app' };
const links = { verify: (token: string) => `https://id.example/interaction/u/verify-email?token=${token}`, signIn: 'https://id.example/account' };
const TAKEN = 'taken@example.com';

function setup(options: { limited?: 'address' | 'mail-address' | 'recipient'; race?: boolean } = {}) {
  const work: string[] = [];
  const events: AuditInput[] = [];
  const trx = { isTransaction: true } as unknown as PrimaryDb;
  const primary = { transaction: () => ({ execute: <T>(run: (t: PrimaryDb) => Promise<T>) => run(trx) }) } as unknown as PrimaryDb;
  const service = createRegistrationService({
    primary,
    accounts: {
      findByEmail: (email) => Promise.resolve(email === TAKEN ? ({ id: 'owner', email } as Account) : undefined),
      insert: (input, executor) => {
        work.push(`insert:${executor === trx ? 'trx' : 'outside'}`);
        if (options.race) return Promise.reject(new DuplicateEmailError());
        return Promise.resolve({ id: input.id, email: input.email } as Account);
      },
    },
    verification: {
      issue: (executor) => Promise.resolve(void work.push(`verification:${executor === trx ? 'trx' : 'outside'}`)),
      sent: () => Promise.resolve(void work.push('sent-event')),
    },
    outbox: { enqueue: (_executor, mail) => Promise.resolve(void work.push(`mail:${mail.template}`)).then(() => 'id') },
    hasher: { hash: () => Promise.resolve(void work.push('hash')).then(() => '$argon2id$…') } as unknown as PasswordHasher,
    policy: { minLength: 8, check: (password: string) => (password.length < 8 ? 'too_short' : undefined) },
    limits: { registration: () => Promise.resolve(options.limited === 'address' ? { allowed: false as const, retryAfterSeconds: 60 } : undefined) },
    emailLimits: {
      registration: () => Promise.resolve(options.limited === 'mail-address' ? { allowed: false as const, retryAfterSeconds: 30 } : { allowed: true as const, send: options.limited !== 'recipient' }),
    },
    audit: { record: (input: AuditInput) => Promise.resolve(void events.push(input)) } as unknown as AuditService,
  });
  return { service, work, events };
}

void describe('registration service', () => {
  void it('creates a new address with its verification message in one transaction', async () => {
    const { service, work, events } = setup();
    const answer = await service.register({ email: 'new@example.com', password: 'long enough', name: null, at, links });
    assert.ok(!answer.limited && answer.subject.accountId !== null && answer.subject.email === 'new@example.com');
    // The verification (with its message, written by `issue` on the same executor) in the transaction.
    assert.deepEqual(work, ['hash', 'insert:trx', 'verification:trx', 'sent-event']);
    assert.deepEqual(events.map((e) => [e.type, e.outcome ?? 'success']), [['account.registered', 'success']]);
  });

  void it('does the same work for a taken address, creates nothing, and tells its owner', async () => {
    const { service, work, events } = setup();
    const answer = await service.register({ email: TAKEN, password: 'long enough', name: null, at, links });
    assert.deepEqual(answer, { limited: false, subject: { accountId: null, email: TAKEN } });
    assert.deepEqual(work, ['hash', 'mail:registration_attempt']);
    assert.deepEqual(events.map((e) => [e.type, e.outcome, e.accountId, e.detail]), [['account.registered', 'failure', 'owner', { reason: 'email_taken' }]]);
  });

  void it('past the per-recipient cap answers a taken address the same and sends its owner nothing (never a 429 aimed at them)', async () => {
    const { service, work, events } = setup({ limited: 'recipient' });
    const answer = await service.register({ email: TAKEN, password: 'long enough', name: null, at, links });
    assert.deepEqual(answer, { limited: false, subject: { accountId: null, email: TAKEN } });
    assert.deepEqual(work, ['hash']);
    assert.deepEqual(events.map((e) => e.detail), [{ reason: 'email_taken', notice: 'recipient_limited' }]);
    // A new address is taken by its first registration: its verification is always sent.
    const fresh = setup({ limited: 'recipient' });
    await fresh.service.register({ email: 'new@example.com', password: 'long enough', name: null, at, links });
    assert.deepEqual(fresh.work, ['hash', 'insert:trx', 'verification:trx', 'sent-event']);
  });

  void it('answers a lost race for a new address as a taken one', async () => {
    const { service, work } = setup({ race: true });
    const answer = await service.register({ email: 'racing@example.com', password: 'long enough', name: null, at, links });
    assert.deepEqual(answer, { limited: false, subject: { accountId: null, email: 'racing@example.com' } });
    assert.deepEqual(work, ['hash', 'insert:trx', 'mail:registration_attempt']);
  });

  void it('counts the limits first and refuses a bad password the same way for every address', async () => {
    for (const limited of ['address', 'mail-address'] as const) {
      const { service, work } = setup({ limited });
      assert.equal((await service.register({ email: TAKEN, password: 'long enough', name: null, at, links })).limited, true, limited);
      assert.deepEqual(work, [], `${limited}: nothing hashed or sent`);
    }
    for (const email of [TAKEN, 'new@example.com']) {
      const { service, work } = setup();
      await assert.rejects(service.register({ email, password: 'short', name: null, at, links }), (error: unknown) => (error as { code?: string }).code === 'password.too_short');
      assert.deepEqual(work, []);
    }
  });
});

/**
 * The sign-in service owns the first step's audit events, the registration limit and which
 * second step follows; routes only render. Fakes stand in for the guarded check and the stores.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Account } from '@portcullis/db';
import type { AuditInput, AuditService } from '../audit/audit.service.js';
import type { GuardedSignIn, GuardedCheck } from './guarded-sign-in.js';
import { createSignInService } from './sign-in.service.js';

const ACCOUNT = { id: 'acc-1', email: 'ada@example.com', name: null, emailVerified: false, disabled: false, createdAt: new Date() } as Account;
const at = { ip: '192.0.2.1', meta: { ip: '192.0.2.1', userAgent: null }, clientId: 'app' };

function setup(answer: GuardedCheck, options: { enrolled?: boolean; registrationLimited?: boolean } = {}) {
  const events: AuditInput[] = [];
  const registered: string[] = [];
  const service = createSignInService({
    guarded: { check: () => Promise.resolve(answer) } satisfies GuardedSignIn,
    registration: {
      register: (input) => {
        if (options.registrationLimited) return Promise.resolve({ limited: true as const, retryAfterSeconds: 42 });
        registered.push(input.email);
        return Promise.resolve({ limited: false as const, subject: { accountId: ACCOUNT.id, email: input.email } });
      },
    },
    audit: { record: (input: AuditInput) => Promise.resolve(void events.push(input)) } as unknown as AuditService,
    secondStepDue: () => Promise.resolve(options.enrolled ?? false),
  });
  return { service, events, registered };
}

void describe('sign-in service', () => {
  void it('records a failed password with its reason, and the typed email only when it is one', async () => {
    const { service, events } = setup({ limited: false, result: { ok: false, reason: 'unknown_account' } });
    assert.deepEqual(await service.password({ email: 'nobody@example.com', password: 'x', at, demandsMfa: false }), { limited: false, ok: false });
    assert.deepEqual(events.map((e) => [e.type, e.outcome, e.detail]), [['signin', 'failure', { reason: 'unknown_account', email: 'nobody@example.com' }]]);
    const typo = setup({ limited: false, result: { ok: false, reason: 'unknown_account' } });
    await typo.service.password({ email: 'my password', password: 'x', at, demandsMfa: false });
    assert.deepEqual(typo.events[0]!.detail, { reason: 'unknown_account' }, 'a password typed as the email is not logged');
  });

  void it('decides the second step and records it: code when enrolled, enrol when MFA is demanded, else none', async () => {
    for (const [enrolled, demandsMfa, step] of [[true, false, 'code'], [true, true, 'code'], [false, true, 'enrol'], [false, false, 'none']] as const) {
      const { service, events } = setup({ limited: false, result: { ok: true, account: ACCOUNT } }, { enrolled });
      const answer = await service.password({ email: ACCOUNT.email, password: 'right', at, demandsMfa });
      assert.ok(!answer.limited && answer.ok && answer.step === step, `${enrolled}/${demandsMfa}`);
      assert.deepEqual(events.map((e) => [e.type, e.accountId, e.detail]), [['signin', ACCOUNT.id, { mfa_required: step !== 'none' }]]);
    }
  });

  void it('passes a limited guess through without writing a signin event (the guard wrote any lockout)', async () => {
    const { service, events } = setup({ limited: true, retryAfterSeconds: 60, scope: 'account' });
    assert.deepEqual(await service.password({ email: ACCOUNT.email, password: 'x', at, demandsMfa: false }), { limited: true, retryAfterSeconds: 60, scope: 'account' });
    assert.deepEqual(events, []);
  });

  void it('hands a registration to the registration service and says which step follows it', async () => {
    const links = { verify: (token: string) => `https://id.example/v?token=${token}`, signIn: 'https://id.example/account' };
    const refused = setup({ limited: false, result: { ok: false, reason: 'unknown_account' } }, { registrationLimited: true });
    assert.deepEqual(await refused.service.register({ email: 'new@example.com', password: 'long enough', name: null, at, demandsMfa: false, links }), { limited: true, retryAfterSeconds: 42 });
    assert.deepEqual(refused.registered, []);
    const allowed = setup({ limited: false, result: { ok: false, reason: 'unknown_account' } });
    const done = await allowed.service.register({ email: 'new@example.com', password: 'long enough', name: null, at, demandsMfa: true, links });
    assert.ok(!done.limited && done.step === 'enrol' && done.subject.accountId === ACCOUNT.id);
    assert.deepEqual(allowed.registered, ['new@example.com']);
  });
});

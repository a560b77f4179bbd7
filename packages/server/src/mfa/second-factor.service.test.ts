/**
 * The second-factor service with fakes: factors are looked up by id from the registered list,
 * every proof goes through the guard, and each action writes its one audit event.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSecondFactorService } from './second-factor.service.js';
import type { Factor } from './factors/index.js';
import { createFactors } from './factors/index.js';
import type { MfaService } from './mfa.service.js';
import type { AttemptGuard } from '../limits/attempt-guard.js';
import type { AuditInput, AuditService } from '../audit/audit.service.js';
import type { SessionEnding } from '../accounts/session-ending.js';
import type { AppError } from '../http/app-error.js';
import type { CheckAt } from '../limits/guarded-check.js';
import type { PasskeyCredentials } from '../passkeys/passkey-credentials.js';

const at: CheckAt = { ip: '203.0.113.7', meta: { ip: '203.0.113.7', userAgent: 'test' }, clientId: 'app' };

/** A factor that accepts exactly `accepts`, recording every proof it was shown. */
function factor(id: string, accepts: string, extra: Partial<Factor> = {}): Factor & { seen: string[] } {
  const seen: string[] = [];
  return { id, amr: ['otp'], secondStep: true, turnsOff: true, wrongProof: 'mfa.invalid_code', verify: (_a, proof) => (seen.push(proof), Promise.resolve(proof === accepts)), seen, ...extra };
}

function setup(factors: readonly Factor[], options: { refuse?: boolean } = {}) {
  const events: AuditInput[] = [];
  const guard = { begins: 0, failures: 0 };
  const attemptGuard: AttemptGuard = {
    begin: () => {
      guard.begins += 1;
      if (options.refuse) return Promise.resolve({ allowed: false, retryAfterSeconds: 42 });
      return Promise.resolve({ allowed: true, succeeded: () => Promise.resolve(), failed: () => ((guard.failures += 1), Promise.resolve([])) });
    },
    lockedFor: () => Promise.resolve(undefined),
    clear: () => Promise.resolve(),
  };
  const audit = { record: (input: AuditInput) => (events.push(input), Promise.resolve()), list: () => Promise.resolve([]) } as AuditService;
  const ended: string[] = [];
  const sessions = { afterCredentialChange: (accountId: string) => (ended.push(accountId), Promise.resolve({ sessionsEnded: 2, grantsRevoked: 3 })) } as unknown as SessionEnding;
  const turnedOff: string[] = [];
  const mfa = { turnOff: (accountId: string) => (turnedOff.push(accountId), Promise.resolve(true)), replaceRecoveryCodes: () => Promise.resolve(['new-code']) } as unknown as MfaService;
  const service = createSecondFactorService({ mfa, factors, guard: attemptGuard, audit, sessions });
  return { service, events, guard, ended, turnedOff };
}

describe('second-factor service', () => {
  it('registers TOTP, the recovery code and the passkey, each usable as the second step with its amr', () => {
    const mfa = { verifyTotp: () => Promise.resolve(true), verifyRecoveryCode: () => Promise.resolve(false) } as unknown as MfaService;
    const factors = createFactors({ mfa, passkeys: {} as PasskeyCredentials });
    assert.deepEqual(factors.map((f) => [f.id, f.secondStep, f.turnsOff, [...f.amr], f.wrongProof, Boolean(f.enrolled), Boolean(f.challenge)]), [
      ['totp', true, true, ['otp'], 'mfa.invalid_code', true, false],
      ['recovery_code', true, true, ['otp'], 'mfa.invalid_recovery_code', false, false],
      ['passkey', true, false, ['hwk', 'user'], 'mfa.invalid_passkey', true, true],
    ]);
  });

  it('draws a challenge for a factor that takes one, hands it to verify, and refuses one that takes none', async () => {
    const seen: (string | undefined)[] = [];
    const challenged = factor('passkey', 'assertion', {
      challenge: () => Promise.resolve({ options: { drawn: true }, challenge: 'c-1' }),
      verify: (_a, proof, challenge) => (seen.push(challenge), Promise.resolve(proof === 'assertion' && challenge === 'c-1')),
    });
    const { service, events } = setup([factor('totp', '1'), challenged]);
    assert.deepEqual(await service.challenge({ accountId: 'a', method: 'passkey' }), { options: { drawn: true }, challenge: 'c-1' });
    await assert.rejects(service.challenge({ accountId: 'a', method: 'totp' }), (error: AppError) => error.code === 'request.invalid');
    const ok = await service.verify({ accountId: 'a', method: 'passkey', code: 'assertion', challenge: 'c-1', at });
    assert.ok(!ok.limited && ok.ok);
    assert.deepEqual(!ok.limited && ok.amr, ['pwd', 'otp']);
    const missing = await service.verify({ accountId: 'a', method: 'passkey', code: 'assertion', at });
    assert.ok(!missing.limited && !missing.ok, 'no challenge, no proof');
    assert.deepEqual(seen, ['c-1', undefined]);
    assert.deepEqual(events.map((e) => [e.type, e.outcome ?? 'success', e.detail?.method]), [['mfa.verify', 'success', 'passkey'], ['mfa.verify', 'failure', 'passkey']]);
  });

  it('makes the second step due when any second-step factor is set up for the account', async () => {
    const enrolledFor = (...ids: string[]) => (accountId: string) => Promise.resolve(ids.includes(accountId));
    const { service } = setup([
      factor('totp', '1', { enrolled: enrolledFor('has-totp') }),
      factor('recovery_code', '2'),
      factor('passkey', '3', { enrolled: enrolledFor('has-passkey') }),
      factor('not-a-step', '4', { secondStep: false, enrolled: enrolledFor('has-other') }),
    ]);
    assert.equal(await service.isEnabled('has-totp'), true);
    assert.equal(await service.isEnabled('has-passkey'), true);
    assert.equal(await service.isEnabled('has-other'), false);
    assert.equal(await service.isEnabled('nobody'), false);
  });

  it('verifies with the factor named by id, behind the guard, with one mfa.verify event naming the method', async () => {
    const totp = factor('totp', '123456');
    const recovery = factor('recovery_code', 'abcd-efgh', { wrongProof: 'mfa.invalid_recovery_code' });
    const { service, events, guard } = setup([totp, recovery]);
    const ok = await service.verify({ accountId: 'acc', method: 'recovery_code', code: 'abcd-efgh', at });
    assert.deepEqual(ok, { limited: false, ok: true, amr: ['pwd', 'otp'], wrongProof: 'mfa.invalid_recovery_code' });
    assert.deepEqual(totp.seen, [], 'only the named factor is asked');
    const wrong = await service.verify({ accountId: 'acc', method: 'totp', code: '000000', at });
    assert.equal(wrong.limited === false && wrong.ok, false);
    assert.equal(guard.begins, 2);
    assert.equal(guard.failures, 1);
    assert.deepEqual(events.map((e) => [e.type, e.outcome, e.detail?.method]), [['mfa.verify', 'success', 'recovery_code'], ['mfa.verify', 'failure', 'totp']]);
  });

  it('does not check a proof the guard refuses, and writes no mfa.verify event for it', async () => {
    const totp = factor('totp', '123456');
    const { service, events } = setup([totp], { refuse: true });
    assert.deepEqual(await service.verify({ accountId: 'acc', method: 'totp', code: '123456', at }), { limited: true, retryAfterSeconds: 42 });
    assert.deepEqual(totp.seen, []);
    assert.equal(events.length, 0);
  });

  it('refuses a factor that is not registered or cannot be the second step', async () => {
    const { service, guard } = setup([factor('totp', '1'), factor('passkey', '1', { secondStep: false })]);
    await assert.rejects(service.verify({ accountId: 'acc', method: 'sms', code: '1', at }), (error: AppError) => error.code === 'request.invalid');
    await assert.rejects(service.verify({ accountId: 'acc', method: 'passkey', code: '1', at }), (error: AppError) => error.code === 'request.invalid');
    assert.equal(guard.begins, 0);
  });

  it('turns the app off with the first factor that may and verifies, in registration order', async () => {
    const totp = factor('totp', '123456');
    const recovery = factor('recovery_code', 'abcd-efgh');
    const other = factor('other', 'abcd-efgh', { turnsOff: false });
    const { service, events, ended, turnedOff } = setup([totp, other, recovery]);
    assert.deepEqual(await service.disable({ accountId: 'acc', code: 'abcd-efgh', at }), { limited: false, disabled: true });
    assert.deepEqual(totp.seen, ['abcd-efgh']);
    assert.deepEqual(other.seen, [], 'a factor that may not turn the app off is never asked');
    assert.deepEqual(turnedOff, ['acc']);
    assert.deepEqual(ended, ['acc']);
    assert.deepEqual(events.map((e) => [e.type, e.outcome, e.detail]), [['mfa.disabled', 'success', { method: 'recovery_code', sessions_ended: 2, grants_revoked: 3 }]]);
  });

  it('keeps the app on when no factor verifies, with one failure event and no method', async () => {
    const { service, events, turnedOff } = setup([factor('totp', '1'), factor('recovery_code', '2')]);
    assert.deepEqual(await service.disable({ accountId: 'acc', code: '3', at }), { limited: false, disabled: false });
    assert.deepEqual(turnedOff, []);
    assert.deepEqual(events.map((e) => [e.type, e.outcome, e.detail]), [['mfa.disabled', 'failure', undefined]]);
  });

  it('regenerates recovery codes only for a code from the app, not a recovery code', async () => {
    const { service, events } = setup([factor('totp', '123456'), factor('recovery_code', 'abcd-efgh')]);
    assert.deepEqual(await service.regenerateRecoveryCodes({ accountId: 'acc', code: 'abcd-efgh', at }), { limited: false });
    assert.deepEqual(await service.regenerateRecoveryCodes({ accountId: 'acc', code: '123456', at }), { limited: false, codes: ['new-code'] });
    assert.deepEqual(events.map((e) => e.outcome), ['failure', 'success']);
  });

  it('will not start without the TOTP factor registered', () => {
    assert.throws(() => setup([factor('recovery_code', '1')]), /TOTP factor must be registered/);
  });
});

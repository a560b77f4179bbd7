/**
 * The second factor as people use it, with its rules, limits, audit events and side effects in
 * one place (the store-facing half is mfa.service.ts). Routes parse, call one method, render.
 * - Every code a person types is checked behind the code limits (limits/guarded-check.ts):
 *   at sign-in, when confirming a set-up, before regenerating recovery codes or turning the app
 *   off. A refused guess is `limited` (a 429 with Retry-After) and is not checked; a failure that
 *   reaches a limit writes one `lockout` event (SECURITY.md A1, A13).
 * - Turning the app on or off changes how the account signs in, so every other session ends and
 *   every grant of the account is revoked (accounts/session-ending.ts), in the same request, with
 *   one `mfa.enabled` / `mfa.disabled` event carrying the counts (SECURITY.md A16). Turning it on
 *   revokes every grant because all of them were made with a password only: no sign-in reaches
 *   the MFA level before the account has a second factor, that of a sign-in under way included.
 * - Each action writes exactly one event of its own type, success or failure.
 * - Factors (TOTP, recovery code, passkey) sit behind the `Factor` interface (factors/), looked up
 *   here by id; this service never names one but the app's own code for regenerating recovery codes.
 */
import type { AuditService } from '../audit/audit.service.js';
import type { SessionEnding } from '../accounts/session-ending.js';
import type { AttemptGuard } from '../limits/attempt-guard.js';
import { guardedCheck, type CheckAt, type Guarded } from '../limits/guarded-check.js';
import { AppError, type AppErrorCode } from '../http/app-error.js';
import type { Enrolment, MfaService, MfaStatus, PendingEnrolment } from './mfa.service.js';
import { secondStepDue, type Factor } from './factors/index.js';
import { TOTP } from './factors/totp.factor.js';

/** A registered factor's id (factors/index.ts), e.g. `totp` or `recovery_code`. */
export type FactorId = string;

export interface SecondFactorService {
  status(accountId: string): Promise<MfaStatus>;
  /** Whether the account has any second-step factor set up (so the second step is due). */
  isEnabled(accountId: string): Promise<boolean>;
  /** The second-step factors the account has set up, in registration order (what the step offers). */
  methods(accountId: string): Promise<FactorId[]>;
  /**
   * A fresh challenge for factor `method` (one whose proof answers one, a passkey) and the options
   * for the page; undefined when the account has not set it up. An unknown factor, or one that
   * takes no challenge, is `request.invalid`.
   */
  challenge(input: { accountId: string; method: FactorId }): Promise<{ options: unknown; challenge: string } | undefined>;
  /** A new seed for the calling flow to keep (a POST: SECURITY.md A12). */
  beginEnrolment(accountId: string): Promise<PendingEnrolment>;
  enrolment(account: { id: string; email: string }, pending: PendingEnrolment): Promise<Enrolment | undefined>;
  /** Turns the app on when `code` verifies against the flow's own seed; `codes` are the recovery codes. */
  confirmEnrolment(input: { accountId: string; pending: PendingEnrolment; code: string; at: CheckAt; keep?: { sessionId?: string }; during: 'account' | 'sign-in' }): Promise<Guarded<{ codes?: string[] }>>;
  /**
   * A sign-in's second step with the factor `method`: `amr` is the sign-in's whole list once it
   * verified; `wrongProof` what a wrong one is shown as. An unknown factor is `request.invalid`.
   */
  verify(input: { accountId: string; method: FactorId; code: string; challenge?: string; at: CheckAt }): Promise<Guarded<{ ok: boolean; amr: string[]; wrongProof: AppErrorCode }>>;
  /** A current code from the app buys a new set of recovery codes. */
  regenerateRecoveryCodes(input: { accountId: string; code: string; at: CheckAt }): Promise<Guarded<{ codes?: string[] }>>;
  /** A current code or an unused recovery code turns the app off. */
  disable(input: { accountId: string; code: string; at: CheckAt; keepSessionId?: string }): Promise<Guarded<{ disabled: boolean }>>;
}

export function createSecondFactorService(deps: { mfa: MfaService; factors: readonly Factor[]; guard: AttemptGuard; audit: AuditService; sessions: SessionEnding }): SecondFactorService {
  const { mfa, audit } = deps;
  const factor = (id: FactorId) => deps.factors.find((f) => f.id === id);
  const totp = factor(TOTP);
  if (!totp) throw new Error('the TOTP factor must be registered (mfa/factors/index.ts)');
  const guarded = { guard: deps.guard, audit, factor: 'mfa' as const };
  /** Runs one code check for `accountId` behind the limits; `check` is true when the code was right. */
  const check = <T>(accountId: string, at: CheckAt, run: () => Promise<T>, ok: (result: T) => boolean) =>
    guardedCheck(guarded, accountId, at, run, ok, () => ({ accountId }));
  const record = (type: 'mfa.verify' | 'mfa.enabled' | 'mfa.disabled' | 'mfa.recovery_codes_regenerated', accountId: string, at: CheckAt, ok: boolean, detail?: Record<string, unknown>) =>
    audit.record({ type, outcome: ok ? 'success' : 'failure', accountId, clientId: at.clientId, ...(detail && { detail }) }, at.meta);
  const counts = (result: { sessionsEnded: number; grantsRevoked: number }) => ({ sessions_ended: result.sessionsEnded, grants_revoked: result.grantsRevoked });

  return {
    status: (accountId) => mfa.status(accountId),
    isEnabled: (accountId) => secondStepDue(deps.factors, accountId),

    async methods(accountId) {
      const set: FactorId[] = [];
      for (const f of deps.factors) if (f.secondStep && f.enrolled && (await f.enrolled(accountId))) set.push(f.id);
      return set;
    },

    async challenge({ accountId, method }) {
      const used = factor(method);
      if (!used?.secondStep || !used.challenge) throw new AppError('request.invalid');
      return used.challenge(accountId);
    },
    beginEnrolment: (accountId) => mfa.beginEnrolment(accountId),
    enrolment: (account, pending) => mfa.enrolment(account, pending),

    async confirmEnrolment({ accountId, pending, code, at, keep, during }) {
      const checked = await check(accountId, at, () => mfa.confirmEnrolment(accountId, pending, code), (codes) => codes !== undefined);
      if (checked.limited) return checked;
      const codes = checked.result;
      if (!codes) {
        await record('mfa.enabled', accountId, at, false, { during });
        return { limited: false };
      }
      const ended = await deps.sessions.afterCredentialChange(accountId, keep);
      await record('mfa.enabled', accountId, at, true, { during, ...counts(ended) });
      return { limited: false, codes };
    },

    async verify({ accountId, method, code, challenge, at }) {
      const used = factor(method);
      if (!used?.secondStep) throw new AppError('request.invalid');
      const checked = await check(accountId, at, () => used.verify(accountId, code, challenge), Boolean);
      if (checked.limited) return checked;
      await record('mfa.verify', accountId, at, checked.result, { method });
      return { limited: false, ok: checked.result, amr: ['pwd', ...used.amr], wrongProof: used.wrongProof };
    },

    async regenerateRecoveryCodes({ accountId, code, at }) {
      const checked = await check(accountId, at, () => totp.verify(accountId, code), Boolean);
      if (checked.limited) return checked;
      const codes = checked.result ? await mfa.replaceRecoveryCodes(accountId) : undefined;
      await record('mfa.recovery_codes_regenerated', accountId, at, codes !== undefined);
      return { limited: false, ...(codes && { codes }) };
    },

    async disable({ accountId, code, at, keepSessionId }) {
      // Each factor that may turn the app off, in registration order; the first that verifies names the method.
      const checked = await check(accountId, at, async (): Promise<FactorId | undefined> => {
        for (const f of deps.factors) if (f.turnsOff && (await f.verify(accountId, code))) return f.id;
        return undefined;
      }, (method) => method !== undefined);
      if (checked.limited) return checked;
      const method = checked.result;
      if (!method || !(await mfa.turnOff(accountId))) {
        await record('mfa.disabled', accountId, at, false, method !== undefined ? { method } : undefined);
        return { limited: false, disabled: false };
      }
      const ended = await deps.sessions.afterCredentialChange(accountId, { sessionId: keepSessionId });
      await record('mfa.disabled', accountId, at, true, { method, ...counts(ended) });
      return { limited: false, disabled: true };
    },
  };
}

/**
 * The one way a guess at a secret is checked (SECURITY.md A1, A5, A13): a password at sign-in
 * or on the account page, a TOTP or recovery code at sign-in, at set-up, or before changing a
 * setting. Callers hand over the check itself; this runs it behind the guard's counters and
 * writes the `lockout` audit event when a failure reaches a limit, so no caller can skip the
 * limits or forget the event.
 * - A refused guess is not checked at all (no argon2, no code lookup): `limited`.
 * - `check` answers whether the secret was right; the guard gives the point back on success.
 */
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import type { AttemptGuard, LimitScope } from './attempt-guard.js';

/** Who is guessing, from where, for which application: what the audit events record. */
export interface CheckAt {
  /** The address the limits key on (Koa's `ctx.ip`, already proxy-aware). */
  ip: string;
  meta: RequestMeta;
  clientId: string | null;
  /**
   * The nonce of this browser's device cookie when it names the account being guessed at: a
   * device that signed in before is counted on its own, not against the per-account limit (A14).
   */
  device?: string;
}

/** A refused guess names the counter that refused it (`account`: this account, from devices unknown to it). */
export type Guarded<T> = { limited: true; retryAfterSeconds: number; scope?: LimitScope } | ({ limited: false } & T);

export interface GuardedCheckDeps {
  guard: AttemptGuard;
  audit: AuditService;
  factor: 'password' | 'mfa';
}

/**
 * Runs `check` for `subject` (the guard's key: normalised email or account id) behind the
 * guard. `succeeded(result)` says whether the guess was right; `about` names the account (when
 * known) and anything the lockout event should carry besides the limit.
 */
export async function guardedCheck<T>(
  deps: GuardedCheckDeps,
  subject: string,
  at: CheckAt,
  check: () => Promise<T>,
  succeeded: (result: T) => boolean,
  about: (result: T) => { accountId: string | null; detail?: Record<string, unknown> },
): Promise<Guarded<{ result: T }>> {
  const attempt = await deps.guard.begin(subject, at.ip, at.device ? { device: at.device } : undefined);
  if (!attempt.allowed) return { limited: true, retryAfterSeconds: attempt.retryAfterSeconds, ...(attempt.scope && { scope: attempt.scope }) };
  const result = await check();
  if (succeeded(result)) {
    await attempt.succeeded();
    return { limited: false, result };
  }
  const lockouts = await attempt.failed();
  const { accountId, detail } = about(result);
  for (const lockout of lockouts) {
    await deps.audit.record({ type: 'lockout', accountId, clientId: at.clientId, detail: { factor: deps.factor, scope: lockout.scope, seconds: lockout.seconds, ...detail } }, at.meta);
  }
  return { limited: false, result };
}

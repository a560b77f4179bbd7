/**
 * Changing a password from the account page.
 * - The current password is a password guess like any other: it is checked through the guarded
 *   sign-in (guarded-sign-in.ts), so it counts against the same limits before argon2 runs and a
 *   failure that reaches a limit writes one `lockout` event (SECURITY.md A1).
 * - The new one must pass the password policy; nothing changes otherwise.
 * - Then every other session of the account ends and every grant is revoked, with its access
 *   and refresh tokens (session-ending.ts): whoever knew the old password is signed out
 *   everywhere (SECURITY.md A9, R16). The session the change was made from stays signed in.
 * - TOTP is untouched: a password change never removes the second factor (A6).
 * - One `password.changed` event, success (with the counts) or failure (with the reason).
 */
import type { AccountRepository } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CheckAt, Guarded } from '../limits/guarded-check.js';
import { assertPasswordAllowed } from './account.service.js';
import type { GuardedSignIn } from './guarded-sign-in.js';
import type { PasswordHasher } from './password-hasher.js';
import type { PasswordPolicy } from './password-policy.js';
import type { CredentialChangeResult, SessionEnding } from './session-ending.js';

export interface PasswordChangeService {
  /** Throws `account.invalid_password` or a `password.*` policy error. */
  change(input: { accountId: string; email: string; current: string; next: string; keepSessionId?: string; at: CheckAt }): Promise<Guarded<CredentialChangeResult>>;
}

export function createPasswordChangeService(deps: {
  accounts: AccountRepository;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  signIn: GuardedSignIn;
  sessions: SessionEnding;
  audit: AuditService;
}): PasswordChangeService {
  const failed = async (accountId: string, at: CheckAt, error: AppError): Promise<never> => {
    await deps.audit.record({ type: 'password.changed', outcome: 'failure', accountId, clientId: at.clientId, detail: { reason: error.code } }, at.meta);
    throw error;
  };
  return {
    async change({ accountId, email, current, next, keepSessionId, at }) {
      // `at.device` counts here as at sign-in (A14): a lockout an attacker caused from unknown
      // devices does not refuse the person on the device they signed in from.
      const checked = await deps.signIn.check(email, current, at);
      if (checked.limited) return checked;
      if (!checked.result.ok || checked.result.account.id !== accountId) return failed(accountId, at, new AppError('account.invalid_password'));
      try {
        assertPasswordAllowed(deps.policy, next);
      } catch (error) {
        if (error instanceof AppError) return failed(accountId, at, error);
        throw error;
      }
      if (!(await deps.accounts.updatePasswordHash(accountId, await deps.hasher.hash(next)))) return failed(accountId, at, new AppError('account.invalid_password'));
      const result = await deps.sessions.afterCredentialChange(accountId, { sessionId: keepSessionId });
      await deps.audit.record({ type: 'password.changed', accountId, clientId: at.clientId, detail: { sessions_ended: result.sessionsEnded, grants_revoked: result.grantsRevoked } }, at.meta);
      return { limited: false, ...result };
    },
  };
}

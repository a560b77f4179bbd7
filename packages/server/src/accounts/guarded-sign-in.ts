/**
 * The password check behind the brute-force limits (SECURITY.md A1), for the sign-in page and
 * the account page's current-password check alike: the guard's counters are consumed before
 * argon2 runs, so a refused guess costs the server nothing and of 200 parallel guesses at one
 * account at most `passwordPerAccount.points` are ever checked; a failure that reaches a limit
 * writes one `lockout` event (limits/guarded-check.ts). The key is the normalised email, known
 * or not, so a lockout says nothing about whether an account exists. A disabled account counts
 * as a failure: it gets the same answer as a wrong password (A2).
 * A browser that signed in to the account before (its device cookie, read by the caller into
 * `at.device`) is counted per device instead of per account (A14).
 */
import type { AttemptGuard } from '../limits/attempt-guard.js';
import { guardedCheck, type CheckAt, type Guarded } from '../limits/guarded-check.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AccountService, PasswordCheck } from './account.service.js';
import { loggableEmail } from './email.js';

export type GuardedCheck = Guarded<{ result: PasswordCheck }>;

export interface GuardedSignIn {
  check(email: string, password: string, at: CheckAt): Promise<GuardedCheck>;
}

export function createGuardedSignIn(deps: { accountService: AccountService; guard: AttemptGuard; audit: AuditService }): GuardedSignIn {
  const guarded = { guard: deps.guard, audit: deps.audit, factor: 'password' as const };
  return {
    check: (email, password, at) => {
      const run = () => deps.accountService.checkPassword(email, password);
      const about = (result: PasswordCheck) => {
        const accountId = result.ok ? result.account.id : result.accountId;
        return { accountId: accountId ?? null, detail: loggableEmail(email, accountId) };
      };
      return guardedCheck(guarded, email, at, run, (result) => result.ok, about);
    },
  };
}

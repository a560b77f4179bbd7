/**
 * The password step behind the brute-force limits (SECURITY.md A1): the guard's counters are
 * consumed before argon2 runs, so a refused guess costs the server nothing and of 200 parallel
 * guesses at one account at most `passwordPerAccount.points` are ever checked. The key is the
 * normalised email, known or not, so a lockout says nothing about whether an account exists.
 * A disabled account counts as a failure: it gets the same answer as a wrong password (A2).
 * A browser that signed in to the account before (its device cookie, read by the caller) is
 * counted per device instead of per account (A14).
 */
import type { AttemptGuard, BeginOptions, LimitScope, Lockout } from '../limits/attempt-guard.js';
import type { AccountService, PasswordCheck } from './account.service.js';

export type GuardedCheck =
  | { limited: true; retryAfterSeconds: number; scope?: LimitScope }
  | { limited: false; result: PasswordCheck; lockouts: Lockout[] };

export interface GuardedSignIn {
  check(email: string, password: string, ip: string, options?: BeginOptions): Promise<GuardedCheck>;
}

export function createGuardedSignIn(deps: { accountService: AccountService; guard: AttemptGuard }): GuardedSignIn {
  return {
    async check(email, password, ip, options) {
      const attempt = await deps.guard.begin(email, ip, options);
      if (!attempt.allowed) return { limited: true, retryAfterSeconds: attempt.retryAfterSeconds, ...(attempt.scope && { scope: attempt.scope }) };
      const result = await deps.accountService.checkPassword(email, password);
      if (result.ok) {
        await attempt.succeeded();
        return { limited: false, result, lockouts: [] };
      }
      return { limited: false, result, lockouts: await attempt.failed() };
    },
  };
}

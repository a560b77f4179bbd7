/**
 * Removing every second factor of an account at once, for an administrator's `users reset-mfa`
 * and `users delete` (accounts/account-lifecycle.service.ts): the authenticator app's seed, its
 * recovery codes and every passkey. One function, so a new factor's removal is one line here and
 * neither caller can forget it. Ending sessions is the caller's job (accounts/session-ending.ts).
 */

export interface RemovedFactors {
  /** Whether an authenticator app (TOTP seed, with its recovery codes) was stored. */
  totp: boolean;
  /** How many passkeys were removed. */
  passkeys: number;
}

export interface FactorRemoval {
  removeAll(accountId: string): Promise<RemovedFactors>;
}

export function createFactorRemoval(deps: {
  /** Removes the seed (enabled or pending) and every recovery code; true when a seed was stored. */
  removeTotp(accountId: string): Promise<boolean>;
  /** Removes every passkey of the account; how many went. */
  removePasskeys?(accountId: string): Promise<number>;
}): FactorRemoval {
  return {
    async removeAll(accountId) {
      const totp = await deps.removeTotp(accountId);
      const passkeys = (await deps.removePasskeys?.(accountId)) ?? 0;
      return { totp, passkeys };
    },
  };
}

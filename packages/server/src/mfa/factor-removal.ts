/**
 * Removing every second factor of an account at once, for an administrator's `users reset-mfa`
 * and `users delete` (accounts/account-lifecycle.service.ts) and a reset link that proves an
 * unconfirmed address (recovery/password-reset.service.ts, inside its transaction): the
 * authenticator app's seed, its recovery codes and every passkey. One function, so a new
 * factor's removal is one line here and no caller can forget it. Ending sessions is the
 * caller's job (accounts/session-ending.ts).
 */
import type { PrimaryDb } from '@portcullis/db';

export interface RemovedFactors {
  /** Whether an authenticator app (TOTP seed, with its recovery codes) was stored. */
  totp: boolean;
  /** How many passkeys were removed. */
  passkeys: number;
}

export interface FactorRemoval {
  /** On `within` (the caller's transaction) when given: all or nothing with the caller's change. */
  removeAll(accountId: string, within?: PrimaryDb): Promise<RemovedFactors>;
}

export function createFactorRemoval(deps: {
  /** Removes the seed (enabled or pending) and every recovery code; true when a seed was stored. */
  removeTotp(accountId: string, within?: PrimaryDb): Promise<boolean>;
  /** Removes every passkey of the account; how many went. */
  removePasskeys?(accountId: string, within?: PrimaryDb): Promise<number>;
}): FactorRemoval {
  return {
    async removeAll(accountId, within) {
      const totp = await deps.removeTotp(accountId, within);
      const passkeys = (await deps.removePasskeys?.(accountId, within)) ?? 0;
      return { totp, passkeys };
    },
  };
}

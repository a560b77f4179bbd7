/**
 * The provider's `findAccount`: loads the profile for claims from the reader (lag-tolerant,
 * primary fallback on a miss). A disabled or deleted account is not found, so the provider
 * refuses to refresh its tokens or answer userinfo for it (SECURITY.md R16). A database outage
 * is a 503 (UnavailableError), not "account not found" and not a 500.
 */
import type { FindAccount } from 'oidc-provider';
import type { AccountRepository } from '@portcullis/db';
import { orUnavailable } from '../stores/unavailable.js';

export function createFindAccount(accounts: AccountRepository): FindAccount {
  return async (_ctx, sub) => {
    const account = await orUnavailable(accounts.findById(sub));
    if (!account || account.disabled) return undefined;
    return {
      accountId: account.id,
      claims: () => ({
        sub: account.id,
        email: account.email,
        email_verified: account.emailVerified,
        ...(account.name !== null && { name: account.name }),
      }),
    };
  };
}

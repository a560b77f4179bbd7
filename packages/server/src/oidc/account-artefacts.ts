/**
 * Ends an account's sessions and revokes its grants, for a password change (SECURITY.md A9, R16).
 * - Finding them needs a per-account index, which each store keeps its own way: an expression
 *   index on `oidc_payloads` (PostgreSQL) or per-account sorted sets (Redis). The composition
 *   root passes the matching `listIdsByAccount`.
 * - Deleting goes through the provider's models, so the adapter in use does the work: a
 *   session is destroyed, and a grant's codes and tokens are revoked by grant id before the
 *   grant itself goes, as the provider's own revocation does (lib/helpers/revoke.js).
 */
import type Provider from 'oidc-provider';

export type ListIdsByAccount = (model: 'Session' | 'Grant', accountId: string) => Promise<string[]>;

export interface AccountArtefacts {
  /** Destroys every session of the account except `keepSessionId`; returns how many ended. */
  endSessions(accountId: string, keepSessionId?: string): Promise<number>;
  /** Revokes every grant of the account with its codes, access and refresh tokens. */
  revokeGrants(accountId: string): Promise<number>;
}

export function createAccountArtefacts(deps: { getProvider(): Provider; listIdsByAccount: ListIdsByAccount }): AccountArtefacts {
  return {
    async endSessions(accountId, keepSessionId) {
      const provider = deps.getProvider();
      const ids = (await deps.listIdsByAccount('Session', accountId)).filter((id) => id !== keepSessionId);
      for (const id of ids) await provider.Session.adapter.destroy(id);
      return ids.length;
    },

    async revokeGrants(accountId) {
      const provider = deps.getProvider();
      const ids = await deps.listIdsByAccount('Grant', accountId);
      for (const grantId of ids) {
        await Promise.all([provider.AccessToken, provider.RefreshToken, provider.AuthorizationCode].map((model) => model.revokeByGrantId(grantId)));
        await provider.Grant.adapter.destroy(grantId);
      }
      return ids.length;
    },
  };
}

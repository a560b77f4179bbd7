/**
 * "Connected apps" (SECURITY.md A17): every application a person allowed, what it may access
 * and since when, and the way to withdraw it, for the account page and the admin API alike.
 * - The list is the remembered consents (the consent page's "Allow"). A first-party client is in
 *   it only when it once asked with `prompt=consent` itself and the person allowed it.
 * - Removing an app forgets the consent first, so no new grant can be rebuilt from it
 *   (oidc/load-existing-grant.ts), then revokes every grant of that app for the account with
 *   its codes, access and refresh tokens: the app's next refresh is `invalid_grant`, and its
 *   next authorization request shows the consent page again.
 * - One `consent.revoked` audit event per removal, with who asked (`detail.reason`) and how
 *   many grants went.
 */
import type { ConsentRepository } from '@portcullis/db';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import type { AccountArtefacts } from '../oidc/account-artefacts.js';

export interface ConnectedApp {
  clientId: string;
  /** The client's registered name. */
  clientName: string;
  scopes: string[];
  /** When the person first allowed it. */
  since: Date;
  updatedAt: Date;
}

export interface RemovedApp {
  consentRevoked: boolean;
  grantsRevoked: number;
}

export type RemovalReason = 'account_page' | 'admin';

export interface ConnectedApps {
  list(accountId: string): Promise<ConnectedApp[]>;
  /** Withdraws the account's consent to `clientId` and revokes its grants; nothing to do is not an error. */
  remove(accountId: string, clientId: string, reason: RemovalReason, meta: RequestMeta): Promise<RemovedApp>;
}

export function createConnectedApps(deps: { consents: ConsentRepository; artefacts: AccountArtefacts; audit: AuditService }): ConnectedApps {
  return {
    async list(accountId) {
      const consents = await deps.consents.listForAccount(accountId);
      return consents.map((c) => ({ clientId: c.clientId, clientName: c.clientName, scopes: c.scopes, since: c.createdAt, updatedAt: c.updatedAt }));
    },

    async remove(accountId, clientId, reason, meta) {
      const consentRevoked = (await deps.consents.revoke(accountId, clientId)) > 0;
      const grantsRevoked = await deps.artefacts.revokeClientGrants(accountId, clientId);
      if (consentRevoked || grantsRevoked > 0) {
        await deps.audit.record({ type: 'consent.revoked', accountId, clientId, detail: { reason, grants_revoked: grantsRevoked } }, meta);
      }
      return { consentRevoked, grantsRevoked };
    },
  };
}

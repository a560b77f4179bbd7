/**
 * Decides when an authorization request needs no consent page (docs/README.md
 * "loadExistingGrant"):
 * - a grant already in this session for this client, as the provider does by default;
 * - a request the consent service says is covered (consents/consent.service.ts: a first-party
 *   client, or a remembered consent holding every requested scope): the grant is created or
 *   widened there, across sessions.
 * Anything else returns the session's grant (possibly none) and the consent prompt runs.
 * A database outage while reading consents is a 503 (UnavailableError), not a 500.
 */
import type { KoaContextWithOIDC, Grant } from 'oidc-provider';
import type { ConsentService } from '../consents/consent.service.js';
import { requestedScopes } from '../consents/consent.service.js';
import { orUnavailable } from '../stores/unavailable.js';
import { requestedResources, resourceScopesOf } from '../consents/resource-consent.js';

export function createLoadExistingGrant(consent: Pick<ConsentService, 'coveredGrant'>) {
  return async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
    const { oidc } = ctx;
    const client = oidc.client!;
    const session = oidc.session!;
    const grantId = oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
    const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!session.accountId) return existing;
    const requested = requestedScopes(oidc.params);
    // The library has resolved each requested resource by now (check_resource runs before).
    const servers = oidc.resourceServers as Record<string, { scopes: Set<string> }>;
    const resources = resourceScopesOf(requestedResources(oidc.params), requested, (identifier) => servers[identifier]?.scopes);
    const covered = await orUnavailable(consent.coveredGrant(oidc.provider, { accountId: session.accountId, client, requested, resources, ...(existing && { existing }) }));
    return covered ?? existing;
  };
}

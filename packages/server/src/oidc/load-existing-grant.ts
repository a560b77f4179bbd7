/**
 * Decides when an authorization request needs no consent page (docs/README.md
 * "loadExistingGrant"):
 * - a grant already in this session for this client, as the provider does by default;
 * - a first-party client: the grant is created here, for everything it asked for;
 * - a third-party client the account already consented to, with every requested scope inside
 *   the remembered consent: the grant is rebuilt from that consent, across sessions.
 * A covered request widens the session's grant when it asks for more than the grant holds.
 * Anything else returns the session's grant (possibly none) and the consent prompt runs.
 * A database outage while reading consents is a 503 (UnavailableError), not a 500.
 */
import type { KoaContextWithOIDC, Grant } from 'oidc-provider';
import type { ConsentRepository } from '@portcullis/db';
import { isFirstParty } from './client-flags.js';
import { orUnavailable } from '../stores/unavailable.js';

export function createLoadExistingGrant(consents: ConsentRepository) {
  return async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
    const { oidc } = ctx;
    const client = oidc.client!;
    const session = oidc.session!;
    const grantId = oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
    const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!session.accountId) return existing;

    const scope = oidc.params?.scope;
    const requested = (typeof scope === 'string' ? scope : '').split(' ').filter(Boolean);
    let covered = isFirstParty(client);
    if (!covered) {
      const consent = await orUnavailable(consents.find(session.accountId, client.clientId));
      covered = consent !== undefined && requested.every((s) => consent.scopes.includes(s));
    }
    if (!covered) return existing;

    // A session's grant may predate a wider request (e.g. offline_access added later); when the
    // request is covered anyway, widen that grant instead of asking again.
    const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    const missing = requested.filter((s) => !grant.getOIDCScope().split(' ').includes(s));
    if (existing && missing.length === 0) return existing;
    grant.addOIDCScope(missing.join(' '));
    await grant.save();
    return grant;
  };
}

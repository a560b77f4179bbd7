/**
 * Consent as one rule and one side effect, for the two places that meet it: the provider's
 * `loadExistingGrant` (oidc/load-existing-grant.ts) and the consent page
 * (interactions/consent.handlers.ts).
 * - Coverage: a request is covered when its client is first-party, or when the account's
 *   remembered consent to that client holds every requested scope. Nothing else decides it.
 * - The page is skipped for a covered request unless the client itself sent `prompt=consent`
 *   (OIDC Core §3.1.2.1, SECURITY.md A17); a `prompt=consent` implied by `offline_access`
 *   (oidc/offline-access.ts) does not count.
 * - "Allow" adds what the provider says is missing to the interaction's grant (or a new one),
 *   saves it, and, when the person chose it on the page, remembers the consent per account and
 *   client until it is removed under "Connected apps" (connected-apps.service.ts).
 * - A scope asked for a named resource is granted at that resource only. The library would also
 *   put it in the grant's OpenID Connect part, and a code or refresh without `resource` would then
 *   carry it in a token without an audience (oidc/resource-indicators.ts); it is recorded there
 *   as rejected instead, which the library's consent prompt counts as answered.
 * The provider is passed per call: the one serving this request (a key rotation rebuilds it).
 * Nothing here reads a Koa context.
 */
import type Provider from 'oidc-provider';
import type { Client, Grant } from 'oidc-provider';
import type { ConsentRepository } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import { isFirstParty } from '../oidc/client-flags.js';
import { consentPromptExplicit } from '../oidc/offline-access.js';
import { qualifiedResourceScopes, type ResourceScopes } from './resource-consent.js';

type Grants = Pick<Provider, 'Grant'>;

/** What the provider's consent prompt says the grant still lacks (`prompt.details`). */
export interface MissingGrant {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export interface ConsentService {
  /** The one coverage rule: first-party, or every requested scope inside the remembered consent. */
  covers(accountId: string, client: Client, requested: readonly string[]): Promise<boolean>;
  /**
   * Whether the consent page may be skipped: no `prompt=consent` of the client's own, and
   * covered. A client that is gone (`undefined`) ends the interaction, unless the page is due anyway.
   */
  passesThrough(params: Record<string, unknown>, accountId: string, client: Client | undefined, requested: readonly string[]): Promise<boolean>;
  /**
   * `loadExistingGrant`: the grant for a covered request, created or widened to hold every
   * requested scope and saved; undefined when the request is not covered.
   */
  coveredGrant(provider: Grants, input: { accountId: string; client: Client; requested: readonly string[]; existing?: Grant; resources?: ResourceScopes }): Promise<Grant | undefined>;
  /**
   * "Allow" (or a pass-through): the grant `grantId` names (a new one without it) gains what is
   * missing and is saved; `remember` stores the consent. The saved grant's id, or undefined
   * when `grantId` names a grant that is gone.
   */
  allow(provider: Grants, input: { accountId: string; clientId: string; grantId?: string; missing: MissingGrant; requested: readonly string[]; remember: boolean; resources?: ResourceScopes }): Promise<string | undefined>;
}

/** The scopes a request asks for, from its `scope` parameter. */
export function requestedScopes(params: Record<string, unknown> | undefined): string[] {
  const scope = params?.scope;
  return (typeof scope === 'string' ? scope : '').split(' ').filter(Boolean);
}

/** Adds `scopes` to the grant's OpenID Connect part, but those asked for a named resource as rejected there (see above). */
function addOidcScopes(grant: Grant, scopes: readonly string[], resources: ResourceScopes): void {
  const atResources = new Set(Object.values(resources).flat());
  const granted = scopes.filter((s) => !atResources.has(s));
  const rejected = scopes.filter((s) => atResources.has(s));
  if (granted.length > 0) grant.addOIDCScope(granted.join(' '));
  if (rejected.length > 0) grant.rejectOIDCScope(rejected.join(' '));
}

export function createConsentService(deps: { consents: ConsentRepository }): ConsentService {
  const service: ConsentService = {
    async covers(accountId, client, requested) {
      if (isFirstParty(client)) return true;
      const consent = await deps.consents.find(accountId, client.clientId);
      return consent !== undefined && requested.every((s) => consent.scopes.includes(s));
    },

    async passesThrough(params, accountId, client, requested) {
      if (consentPromptExplicit(params)) return false;
      if (!client) throw new AppError('interaction.expired');
      return service.covers(accountId, client, requested);
    },

    // `resources`: what the request asks of each resource server (resource-consent.ts); covered
    // only when the consent names each of those scopes with its resource.
    async coveredGrant(provider, { accountId, client, requested, existing, resources = {} }) {
      if (!(await service.covers(accountId, client, [...requested, ...qualifiedResourceScopes(resources)]))) return undefined;
      // A session's grant may predate a wider request (e.g. offline_access added later); when the
      // request is covered anyway, widen that grant instead of asking again.
      const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId });
      const missing = requested.filter((s) => !grant.getOIDCScopeEncountered().split(' ').includes(s));
      const missingAt = Object.entries(resources).map(([identifier, scopes]) => [identifier, scopes.filter((s) => !grant.getResourceScope(identifier).split(' ').includes(s))] as const).filter(([, scopes]) => scopes.length > 0);
      if (existing && missing.length === 0 && missingAt.length === 0) return existing;
      addOidcScopes(grant, missing, resources);
      for (const [identifier, scopes] of missingAt) grant.addResourceScope(identifier, scopes.join(' '));
      await grant.save();
      return grant;
    },

    async allow(provider, { accountId, clientId, grantId, missing, requested, remember, resources = {} }) {
      const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId, clientId });
      if (!grant) return undefined;
      if (missing.missingOIDCScope) addOidcScopes(grant, missing.missingOIDCScope, { ...resources, ...missing.missingResourceScopes });
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const saved = await grant.save();
      const atResources = qualifiedResourceScopes({ ...resources, ...missing.missingResourceScopes });
      if (remember) await deps.consents.grant(accountId, clientId, [...requested, ...atResources]);
      return saved;
    },
  };
  return service;
}

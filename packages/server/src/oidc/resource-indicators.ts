/**
 * RFC 8707 resource indicators and RFC 9068 JWT access tokens: the provider's
 * `features.resourceIndicators`, answered from the resource registry (resources/).
 * - A `resource` names a registered resource server exactly (@portcullis/contract
 *   resource.schemas.ts); any other is `invalid_target`, at the authorization and the token
 *   endpoint alike (the library checks a token request's `resource` against what was granted).
 * - A token for a resource has `aud` = its identifier and only the requested scopes that resource
 *   defines; it is a JWT (`typ: at+jwt`, RS256 with the server's signing key, verifiable from the
 *   JWKS) or opaque (introspectable), with the resource's own lifetime.
 * - No default resource: a request without one gets what it got before (an opaque token for
 *   userinfo and the client's API scopes). Several resources may be authorized at once; each
 *   token request then names one (RFC 8707 §2.2).
 * - `useGrantedResource` is false (the library's choice, made explicit): a code or refresh token
 *   granted for a resource AND `openid` gives a userinfo token unless the token request repeats
 *   `resource`; without `openid` the granted resource is used. So one sign-in yields both: the
 *   token request with `resource=` gets the API's token, a refresh without it a userinfo token.
 * - Any client may ask for any registered resource: what it may ask for is still bounded by its
 *   own registered `scope` (oidc/api-scopes.ts) and by what the person consents to. Scopes
 *   outside the requested resources are refused with `invalid_scope` (below), not dropped.
 */
import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { DEFAULT_ID_TOKEN_ALG, isOidcScope, scopeTokens } from '@portcullis/contract';
import type { ResourceRegistry } from '../resources/resource-registry.js';

type Features = NonNullable<Configuration['features']>;

export function resourceIndicatorsFeature(registry: Pick<ResourceRegistry, 'find'>): NonNullable<Features['resourceIndicators']> {
  return {
    enabled: true,
    // No default; at the token endpoint, several granted resources stay several (the library
    // then asks the client to name one).
    defaultResource: (_ctx, _client, oneOf) => Promise.resolve(oneOf),
    useGrantedResource: () => Promise.resolve(false),
    getResourceServerInfo(_ctx, indicator) {
      const resource = registry.find(indicator);
      if (!resource) throw new errors.InvalidTarget();
      return Promise.resolve({
        scope: resource.scopes.join(' '),
        audience: resource.identifier,
        accessTokenTTL: resource.accessTokenTtl,
        accessTokenFormat: resource.accessTokenFormat,
        ...(resource.accessTokenFormat === 'jwt' && { jwt: { sign: { alg: DEFAULT_ID_TOKEN_ALG } } }),
      });
    },
  };
}

type ResourceServers = Record<string, { scopes: Set<string> }>;

/** The first requested scope that is neither OpenID Connect's nor defined by a requested resource. */
function firstUndefined(servers: ResourceServers, scope: unknown): string | undefined {
  const list = Object.values(servers);
  if (list.length === 0 || typeof scope !== 'string') return undefined;
  const defined = new Set(list.flatMap((server) => [...server.scopes]));
  return scopeTokens(scope).find((s) => !isOidcScope(s) && !defined.has(s));
}

const RESOURCE_SCOPE_CHECK_PARAM = 'portcullis_resource_scope_check';

/**
 * `extraParams` entry: an authorization request with `resource` may ask only for the resources'
 * scopes (and OpenID Connect's). It runs after the library resolved `ctx.oidc.resourceServers`,
 * and `params.scope` is still what was asked (the library filters it only without a resource).
 */
export const resourceScopeCheckParam = {
  [RESOURCE_SCOPE_CHECK_PARAM](ctx: KoaContextWithOIDC): void {
    ctx.oidc.params![RESOURCE_SCOPE_CHECK_PARAM] = undefined;
    const scope = firstUndefined(ctx.oidc.resourceServers as ResourceServers, ctx.oidc.params!.scope);
    if (scope !== undefined) throw new errors.InvalidScope('requested scope is not defined by the requested resource', scope);
  },
};

/**
 * Part of `extraTokenClaims`: the same rule for client_credentials with a `resource` (the library
 * would drop the other scopes without a word). Adds no claims.
 */
export function refuseUndefinedResourceScopes(ctx: KoaContextWithOIDC, token: { kind: string; resourceServer?: { scopes: Set<string> } }): void {
  if (token.kind !== 'ClientCredentials' || !token.resourceServer) return;
  const scope = firstUndefined({ requested: token.resourceServer }, ctx.oidc.body?.scope);
  if (scope !== undefined) throw new errors.InvalidScope('requested scope is not defined by the requested resource', scope);
}

/**
 * `ttl.AccessToken` / `ttl.ClientCredentials`: a token for a resource lives as long as the
 * resource says (`accessTokenTTL`), any other `fallback` seconds (oidc/lifetimes.ts).
 */
export function resourceTokenTtl(fallback: number) {
  return (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }): number => token.resourceServer?.accessTokenTTL ?? fallback;
}

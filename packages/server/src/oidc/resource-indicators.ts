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
 * - A scope a registered resource defines is that resource's: it is refused (`invalid_scope`)
 *   unless the request names a resource that defines it, at the authorization endpoint and for
 *   every access token (client_credentials, a code, a refresh). Otherwise a token without `aud`
 *   would carry it (an opaque one would introspect as active with that scope), and an API that
 *   checks only `active` and `scope` would take a token never issued for it.
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
type Registered = Pick<ResourceRegistry, 'list'>;

/**
 * The first requested scope that is not OpenID Connect's and not defined by a requested resource,
 * when resources are requested (`undefined`: none) or a registered resource defines it (`owned`),
 * with the reason to give.
 */
function firstMisplaced(registry: Registered, servers: ResourceServers, scope: unknown): { scope: string; reason: string } | undefined {
  if (typeof scope !== 'string') return undefined;
  const named = Object.values(servers);
  const defined = new Set(named.flatMap((server) => [...server.scopes]));
  const owned = new Set(registry.list().flatMap((resource) => resource.scopes));
  const found = scopeTokens(scope).find((s) => !isOidcScope(s) && !defined.has(s) && (named.length > 0 || owned.has(s)));
  if (found === undefined) return undefined;
  const reason = named.length > 0 ? 'requested scope is not defined by the requested resource' : "requested scope belongs to a registered resource: name it with the 'resource' parameter";
  return { scope: found, reason };
}

function refuse(misplaced: { scope: string; reason: string } | undefined): void {
  if (misplaced) throw new errors.InvalidScope(misplaced.reason, misplaced.scope);
}

const RESOURCE_SCOPE_CHECK_PARAM = 'portcullis_resource_scope_check';

/**
 * `extraParams` entry: an authorization request may ask for a resource's scope only when it
 * names that resource, and with `resource` only for the resources' scopes (and OpenID
 * Connect's). It runs after the library resolved `ctx.oidc.resourceServers`; `params.scope` is
 * what was asked (without a resource the library keeps the scopes it knows, and it knows every
 * resource's: resources/resource-registry.ts teaches them to oidc/api-scopes.ts).
 */
export function resourceScopeCheckParam(registry: Registered) {
  return {
    [RESOURCE_SCOPE_CHECK_PARAM](ctx: KoaContextWithOIDC): void {
      ctx.oidc.params![RESOURCE_SCOPE_CHECK_PARAM] = undefined;
      refuse(firstMisplaced(registry, ctx.oidc.resourceServers as ResourceServers, ctx.oidc.params!.scope));
    },
  };
}

/**
 * Part of `extraTokenClaims` (it runs before a token is stored or answered): the same rules for
 * every access token. client_credentials is checked against what was sent (the library would
 * drop the other scopes without a word); a code's or a refresh's access token without a resource
 * against its own scope, which comes from the grant. A refresh's grant has already been narrowed
 * (oidc/refresh-resource-scopes.ts, before the refresh token is consumed), so for a refresh this
 * is a backstop that should never refuse. Adds no claims.
 */
export function refuseUndefinedResourceScopes(
  registry: Registered,
  ctx: KoaContextWithOIDC,
  token: { kind: string; scope?: string; resourceServer?: { scopes: Set<string> } },
): void {
  const servers: ResourceServers = token.resourceServer ? { requested: token.resourceServer } : {};
  if (token.kind === 'ClientCredentials') refuse(firstMisplaced(registry, servers, ctx.oidc.body?.scope));
  else if (token.kind === 'AccessToken' && !token.resourceServer) refuse(firstMisplaced(registry, servers, token.scope));
}

/**
 * `ttl.AccessToken` / `ttl.ClientCredentials`: a token for a resource lives as long as the
 * resource says (`accessTokenTTL`), any other `fallback` seconds (oidc/lifetimes.ts).
 */
export function resourceTokenTtl(fallback: number) {
  return (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }): number => token.resourceServer?.accessTokenTTL ?? fallback;
}

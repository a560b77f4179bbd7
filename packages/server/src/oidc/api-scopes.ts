/**
 * API scopes: a scope a client is registered with beyond the OpenID Connect ones
 * (@portcullis/contract `SUPPORTED_SCOPES`), e.g. `read:invoices`. The server releases nothing
 * for one; it only puts it in the access token (introspection's `scope`) when the client was
 * allowed it and asked for it, for the API to enforce.
 * - The provider serves only the scopes in its configured set and drops any other without a word.
 *   `scopes` is the Set the provider is configured with (it keeps the very instance:
 *   configuration.js `ensureSets`); `learn` adds a client's scopes to it when the client adapter
 *   loads the client, before the provider validates the client against it. So every instance
 *   learns a new client's scopes from the client itself, with no list to keep in step; a scope no
 *   longer used by any client stays known until a restart, which lets no one have it: a client
 *   still gets only the scopes in its own `scope`.
 * - A request for a scope the client is not registered with is refused with `invalid_scope`
 *   (RFC 6749 §3.3, §5.2) instead of silently dropped: at the authorization endpoint by an
 *   `extraParams` validator (it runs once the redirect URI is checked, so the error goes back
 *   to the client), at the token endpoint for client_credentials by `extraTokenClaims` (it runs
 *   before the token is stored or answered).
 * - Discovery's `scopes_supported` keeps listing the OpenID Connect scopes only: API scopes are
 *   one client's business, and each instance learns them at its own pace (RFC 8414 §2 lets a
 *   server leave scopes out).
 * - Resource indicators (RFC 8707) will bind an API scope to a resource server: the provider then
 *   takes the scopes of a token for a resource from that resource's `getResourceServerInfo`, and a
 *   client's `scope` stays what it may ask for. Nothing here needs to change for that but the
 *   token-endpoint check, which then also reads the requested `resource`.
 */
import type { Middleware } from 'koa';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { scopeTokens, SUPPORTED_SCOPES } from '@portcullis/contract';

export interface ApiScopes {
  /** What the provider is configured with as `scopes`. */
  readonly scopes: Set<string>;
  /** Makes every scope of a client's `scope` known to the provider. */
  learn(scope: unknown): void;
}

export function createApiScopes(): ApiScopes {
  const scopes = new Set<string>(SUPPORTED_SCOPES);
  return {
    scopes,
    learn(scope) {
      if (typeof scope === 'string') for (const s of scopeTokens(scope)) scopes.add(s);
    },
  };
}

/** The first scope in `requested` the client is not registered with, if any. */
function firstNotAllowed(clientScope: string | undefined, requested: unknown): string | undefined {
  // A client without `scope` metadata may ask for any scope the provider knows (none of ours).
  if (clientScope === undefined || typeof requested !== 'string') return undefined;
  const allowed = new Set(scopeTokens(clientScope));
  return scopeTokens(requested).find((s) => !allowed.has(s));
}

/** The name of an authorization parameter no client sends; only its validator matters. */
const SCOPE_CHECK_PARAM = 'portcullis_scope_check';

/** The provider's `extraParams` entry: runs on every authorization request. */
export const scopeCheckParam = {
  [SCOPE_CHECK_PARAM](ctx: KoaContextWithOIDC): void {
    ctx.oidc.params![SCOPE_CHECK_PARAM] = undefined;
    const scope = firstNotAllowed(ctx.oidc.client?.scope, ctx.oidc.params!.scope);
    if (scope !== undefined) throw new errors.InvalidScope('requested scope is not allowed', scope);
  },
};

/**
 * The provider's `extraTokenClaims`: a client_credentials request is checked against what the
 * client sent (`ctx.oidc.body`), since the provider has already dropped the scopes it does not
 * know from `params`. Adds no claims.
 */
export function refuseUnknownTokenScopes(ctx: KoaContextWithOIDC, token: { kind: string }): Promise<undefined> {
  if (token.kind === 'ClientCredentials') {
    const scope = firstNotAllowed(ctx.oidc.client?.scope, (ctx.oidc.body as Record<string, unknown> | undefined)?.scope);
    if (scope !== undefined) throw new errors.InvalidScope('requested scope is not allowed', scope);
  }
  return Promise.resolve(undefined);
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** Keeps discovery's `scopes_supported` to the OpenID Connect scopes (see above). */
export function discoveryOidcScopes(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.path !== DISCOVERY_PATH || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | null | undefined;
    if (body && typeof body === 'object' && Array.isArray(body.scopes_supported)) body.scopes_supported = [...SUPPORTED_SCOPES];
  };
}

/**
 * API scopes: a scope a client is registered with beyond the OpenID Connect ones
 * (@portcullis/contract `SUPPORTED_SCOPES`), e.g. `read:invoices`. The server releases nothing
 * for one; it only puts it in the access token (introspection's `scope`) when the client was
 * allowed it and asked for it, for the API to enforce.
 * - The provider serves only the scopes it was built with and drops any other without a word
 *   (it copies the configured list, so it cannot be grown in place). The registry here holds the
 *   OpenID Connect scopes and every scope of a stored client: seeded from the clients table at
 *   start, grown when the client service stores a client with a new scope, which then rebuilds
 *   the provider before it answers (as a key rotation does). Another instance learns it from the
 *   change feed's announcement of that client (composition-root.ts), and as a backstop when its
 *   client adapter loads a client with a scope it has not seen: that rebuild runs in the
 *   background, and a request that arrives before it ends is answered by the old provider, which
 *   refuses the client as invalid metadata. A scope no client uses any more stays known until a restart,
 *   which lets no one new have it: an authorization or client_credentials request is checked
 *   against the client's own `scope` (below). The refresh grant is not: the provider narrows a
 *   refreshed token only to what its grant holds, so taking a scope away from a client revokes
 *   the client's grants and consents (clients/client.service.ts `update`).
 * - A request for a scope the client is not registered with is refused with `invalid_scope`
 *   (RFC 6749 §3.3, §5.2) instead of silently dropped: at the authorization endpoint by an
 *   `extraParams` validator (it runs once the redirect URI is checked, so the error goes back
 *   to the client), at the token endpoint for client_credentials by `extraTokenClaims` (it runs
 *   before the token is stored or answered).
 * - Discovery's `scopes_supported` keeps listing the OpenID Connect scopes only: API scopes are
 *   one client's business, and each instance learns them at its own pace (RFC 8414 §2 lets a
 *   server leave scopes out).
 * - Resource indicators (RFC 8707, oidc/resource-indicators.ts) bind API scopes to a resource
 *   server: the provider takes the scopes of a token for a resource from that resource's
 *   `getResourceServerInfo`, and a client's `scope` stays what it may ask for (both checks here
 *   still apply). The resources' scopes are learnt here too (resources/resource-registry.ts), so
 *   the provider keeps them in a request; one without the `resource` that defines them is then
 *   refused there (resource-indicators.ts), never served without an audience.
 */
import type { Middleware } from 'koa';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { scopeTokens, SUPPORTED_SCOPES } from '@portcullis/contract';
import { METADATA_PATHS } from './provider-documents.js';

export interface ApiScopes {
  /** What the next provider is built with as `scopes`. */
  list(): string[];
  /** Records every scope of a client's `scope`; true when one was new (the provider needs a rebuild). */
  learn(scope: unknown): boolean;
  /** Records them and rebuilds the provider when one was new; never throws (see scopeLearner). */
  learnAndRebuild(scope: unknown): Promise<void>;
}

/**
 * `rebuild` builds the next provider from `list()`. A rebuild that fails forgets the scopes it was
 * for, so the next sight of them (a client load, the change feed) tries again instead of finding
 * them known; the failure is logged, not thrown: the client is stored by then, and an admin call
 * that failed would only be retried into a duplicate client.
 */
export function createApiScopes(options: { rebuild?: () => Promise<void>; onRebuildError?: (error: unknown) => void } = {}): ApiScopes {
  const scopes = new Set<string>(SUPPORTED_SCOPES);
  const add = (scope: unknown): string[] => {
    if (typeof scope !== 'string') return [];
    const added = scopeTokens(scope).filter((s) => !scopes.has(s));
    for (const s of added) scopes.add(s);
    return added;
  };
  return {
    list: () => [...scopes],
    learn: (scope) => add(scope).length > 0,
    async learnAndRebuild(scope) {
      const added = add(scope);
      if (added.length === 0 || !options.rebuild) return;
      try {
        await options.rebuild();
      } catch (error) {
        for (const s of added) scopes.delete(s);
        options.onRebuildError?.(error);
      }
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

/**
 * The provider's `extraParams` entry: runs on every authorization request. It reads the scope as
 * sent, from the query, not `params.scope`: by the time extra parameters are checked the
 * provider has replaced `params.scope` with the scopes it knows (oidc-provider 9
 * lib/shared/check_resource.js sets it to `requestParamOIDCScopes` when no `resource` is sent),
 * so an unknown scope is no longer there to refuse. The query is the only place a scope can
 * come from here: a POSTed request became a GET first (http/authorization-post.ts), and request
 * objects and PAR are off (oidc/disabled-features.ts); turning either on must move this check.
 */
export const scopeCheckParam = {
  [SCOPE_CHECK_PARAM](ctx: KoaContextWithOIDC): void {
    ctx.oidc.params![SCOPE_CHECK_PARAM] = undefined;
    const scope = firstNotAllowed(ctx.oidc.client?.scope, ctx.query.scope);
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
    const scope = firstNotAllowed(ctx.oidc.client?.scope, (ctx.oidc.body)?.scope);
    if (scope !== undefined) throw new errors.InvalidScope('requested scope is not allowed', scope);
  }
  return Promise.resolve(undefined);
}

const DISCOVERY_PATHS: ReadonlySet<string> = new Set(METADATA_PATHS);

/** Keeps discovery's `scopes_supported` to the OpenID Connect scopes (see above). */
export function discoveryOidcScopes(): Middleware {
  return async (ctx, next) => {
    await next();
    if (!DISCOVERY_PATHS.has(ctx.path) || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | null | undefined;
    if (body && typeof body === 'object' && Array.isArray(body.scopes_supported)) body.scopes_supported = [...SUPPORTED_SCOPES];
  };
}

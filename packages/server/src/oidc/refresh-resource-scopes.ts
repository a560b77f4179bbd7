/**
 * `rotateRefreshToken`: every refresh rotates (SECURITY.md R7), and first a refresh that names no
 * `resource` drops from its grant the OpenID Connect part's scopes a registered resource now
 * defines (oidc/resource-indicators.ts: such a scope is that resource's and never rides on a
 * token without `aud`).
 *
 * Why here: the library calls this after it loaded and checked the refresh token and its grant
 * (a reused token has already revoked the grant) and before it consumes the token and saves the
 * next one (lib/actions/grants/refresh_token.js). The access token's checks (`extraTokenClaims`)
 * run only after that, so a refusal there would lose the rotated token and turn the client's
 * retry into reuse, which revokes the grant. Narrowing the grant here makes the refresh succeed
 * with the scopes it may still have (the library filters the token's scope by the grant's).
 * This happens when an operator creates or extends a resource with a scope grants already hold.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import { isOidcScope, scopeTokens } from '@portcullis/contract';
import type { ResourceRegistry } from '../resources/resource-registry.js';

export function narrowRefreshToResourceRule(registry: Pick<ResourceRegistry, 'list'>) {
  return async (ctx: KoaContextWithOIDC): Promise<boolean> => {
    const grant = ctx.oidc.entities.Grant;
    if (ctx.oidc.params?.resource || !grant) return true;
    const owned = new Set(registry.list().flatMap((resource) => resource.scopes));
    const misplaced = scopeTokens(grant.getOIDCScope()).filter((scope) => !isOidcScope(scope) && owned.has(scope));
    if (misplaced.length > 0) {
      grant.rejectOIDCScope(misplaced.join(' '));
      await grant.save();
    }
    return true;
  };
}

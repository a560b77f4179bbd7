/**
 * Client authentication at the token, introspection, revocation and PAR endpoints.
 * - client_secret_basic / client_secret_post: a secret the server generated (clients/).
 * - none: public clients (PKCE).
 * - private_key_jwt (RFC 7523 §2.2, OpenID Connect Core §9): a JWT signed with a key of the
 *   client's registered `jwks` or `jwks_uri` (fetched through jwks-fetch-guard.ts). The library
 *   checks `iss` = `sub` = client_id, an `aud` of the issuer, the token endpoint or the endpoint
 *   called, `exp` (with LIFETIMES.clockTolerance) and refuses a second use of a `jti` through
 *   the replay store (the adapter's ReplayDetection model) until the assertion expires. Here an
 *   assertion may not be valid for more than ASSERTION_MAX_LIFETIME_SECONDS from now, so a
 *   leaked one is useless soon and its replay entry short-lived.
 */
import { errors } from 'oidc-provider';
import type { Configuration } from 'oidc-provider';

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt'] as const;
/** token_endpoint_auth_signing_alg_values_supported: the tested ones. */
export const CLIENT_ASSERTION_ALGS = ['RS256', 'ES256'] as const;
export const ASSERTION_MAX_LIFETIME_SECONDS = 5 * 60;
/** A key set is a few keys of well under 2 KB each; anything near this is not one. */
export const JWKS_BODY_LIMIT_BYTES = 32 * 1024;

export const assertJwtClientAuthClaimsAndHeader: NonNullable<Configuration['assertJwtClientAuthClaimsAndHeader']> = (_ctx, claims) => {
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp === 'number' && claims.exp - now > ASSERTION_MAX_LIFETIME_SECONDS) {
    throw new errors.InvalidClientAuth(`client_assertion must expire within ${ASSERTION_MAX_LIFETIME_SECONDS} seconds`);
  }
};

/** The library's bounds on fetched documents; only a jwks_uri is ever fetched (outgoing-fetch.ts). */
export const fetchResponseBodyLimits: NonNullable<Configuration['fetchResponseBodyLimits']> = {
  jwks_uri: JWKS_BODY_LIMIT_BYTES,
  sector_identifier_uri: JWKS_BODY_LIMIT_BYTES,
  'client_id metadata document': 5 * 1024,
};

/**
 * RFC 9449 (DPoP): sender-constrained access and refresh tokens, with server nonces.
 * - Nonces (RFC 9449 §8) are required on every proof: the first proof a client sends is answered
 *   `use_dpop_nonce` with a `DPoP-Nonce` header, and openid-client (like any RFC 9449 client)
 *   retries with it. A nonce is an HMAC-like value of the current minute (the library's
 *   ServerChallenge: HKDF over a 60 s step); one is accepted from one step before it was issued to
 *   three steps after, so a proof lives at most about four minutes, whatever its `iat` says.
 * - `nonceSecret` is derived from the first cookie key (COOKIE_KEYS), which every instance of a
 *   deployment shares: a nonce one instance issued is accepted by the next. During a cookie key
 *   rotation instances may briefly disagree; a client then gets one more `use_dpop_nonce`.
 * - Proofs are single use: the library records each proof's `jti` per client in the replay store
 *   (the adapter's ReplayDetection model) for 300 s, longer than any nonce lives.
 * - The library binds refresh tokens of public clients to the proof's key (RFC 9449 §5); a
 *   confidential client's refresh token is bound by its client authentication instead.
 * - A client registered with `dpop_bound_access_tokens` (RFC 9449 §5.2) must send a proof.
 */
import { hkdfSync } from 'node:crypto';
import type { Configuration } from 'oidc-provider';

/** The proof algorithms accepted and advertised (dpop_signing_alg_values_supported): the tested ones. */
export const DPOP_SIGNING_ALGS = ['ES256'] as const;

/** 32 bytes the library's ServerChallenge needs, the same on every instance that shares `cookieKey`. */
export function dpopNonceSecret(cookieKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', cookieKey, 'portcullis', 'dpop-nonce-secret', 32));
}

export function dpopFeature(cookieKeys: readonly string[]): NonNullable<NonNullable<Configuration['features']>['dPoP']> {
  return {
    enabled: true,
    nonceSecret: dpopNonceSecret(cookieKeys[0]!),
    requireNonce: () => true,
    allowReplay: false,
  };
}

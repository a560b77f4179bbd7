/**
 * The provider's outgoing requests: back-channel logout tokens (POST) and clients' key sets
 * (GET of a jwks_uri, private_key_jwt). The library refuses connections to private, loopback and
 * other special-use addresses (SSRF protection: its dispatcher checks the connected socket).
 * - A key set is fetched only through jwks-fetch-guard.ts: https, public addresses after DNS
 *   resolution, no redirects, capped caching. No exception for loopback hosts.
 * - A back-channel logout: registration accepts plain-http loopback URIs for development, as for
 *   redirect URIs (@portcullis/contract), and only an admin registers clients; so for a URL whose
 *   host is literally a loopback name (127.0.0.1, [::1], localhost) the guard is lifted, and for
 *   every other URL, including https names that resolve to private addresses, it stays.
 */
import type { Configuration } from 'oidc-provider';
import { isLoopbackHost } from '@portcullis/contract';
import { guardedJwksFetch, type UnsafeTestOnlyJwksOrigin } from './jwks-fetch-guard.js';

export function isLoopbackUrl(url: URL | string | Request): boolean {
  return isLoopbackHost(new URL(url instanceof Request ? url.url : url).hostname);
}

/** `unsafeTestOnly`: see jwks-fetch-guard.ts; undefined in every deployment. */
export const createOutgoingFetch = (unsafeTestOnly?: UnsafeTestOnlyJwksOrigin): NonNullable<Configuration['fetch']> => (url, options) => {
  const target = new URL(url instanceof Request ? url.url : url);
  // The library GETs only documents (jwks_uri here; sector_identifier_uri and client metadata
  // documents belong to features that are off) and POSTs only notifications.
  if ((options?.method ?? 'GET').toUpperCase() === 'GET') return guardedJwksFetch(target, options ?? {}, globalThis.fetch, undefined, unsafeTestOnly);
  if (!isLoopbackUrl(target)) return globalThis.fetch(url, options);
  const { dispatcher: _guard, ...rest } = options as RequestInit & { dispatcher?: unknown };
  return globalThis.fetch(url, rest);
};

/**
 * The provider's outgoing requests (today: back-channel logout tokens). The library refuses
 * connections to private, loopback and other special-use addresses (SSRF protection, docs
 * "fetch"). Registration accepts plain-http loopback URIs for development, as for redirect URIs
 * (@portcullis/contract), and only an admin registers clients; so for a URL whose host is
 * literally a loopback name (127.0.0.1, [::1], localhost) the guard is lifted, and for every
 * other URL, including https names that resolve to private addresses, it stays.
 */
import type { Configuration } from 'oidc-provider';
import { isLoopbackHost } from '@portcullis/contract';

export function isLoopbackUrl(url: URL | string | Request): boolean {
  return isLoopbackHost(new URL(url instanceof Request ? url.url : url).hostname);
}

export const outgoingFetch: NonNullable<Configuration['fetch']> = (url, options) => {
  if (!isLoopbackUrl(url)) return globalThis.fetch(url, options);
  const { dispatcher: _guard, ...rest } = options as RequestInit & { dispatcher?: unknown };
  return globalThis.fetch(url, rest);
};

/**
 * The guard on the provider's fetch of a client's `jwks_uri` (private_key_jwt, client-auth.ts).
 * A jwks_uri is a URL an admin typed for a client; fetching it from inside the network is a
 * server-side request forgery risk (@see OWASP SSRF Prevention), so before the request:
 * - https only (an http jwks_uri would let anyone on the path swap the client's keys);
 * - the host is resolved and EVERY address must be a public one: loopback, private (RFC 1918),
 *   link-local (169.254/16, where cloud metadata services live), carrier-grade NAT, multicast,
 *   unique-local and site-local IPv6 are refused, and so is every IPv6 form that embeds an IPv4
 *   address but an IPv4-mapped one (IPv4-compatible ::/96, e.g. [::127.0.0.1];
 *   IPv4-translated ::ffff:0:0:0/96; NAT64 64:ff9b::/96; 6to4): a key server has a plain address
 *   of its own. An IPv4-mapped address (::ffff:0:0/96) is judged as its IPv4 address: node's
 *   BlockList maps it both ways, so that range cannot be listed without blocking every IPv4
 *   address. The library's own dispatcher then checks
 *   the address actually connected to, which covers a DNS answer that changes in between;
 * - redirects are refused (`redirect: 'error'`): a public URL cannot bounce the fetch inward;
 * - the library aborts after 2.5 s and reads at most JWKS_BODY_LIMIT_BYTES (client-auth.ts).
 * The answer's cache headers are capped: the library keeps a key set for the longest of 60 s,
 * `Cache-Control: max-age` and `Expires`; an answer may ask for at most JWKS_CACHE_MAX_SECONDS,
 * so a client that rotates a compromised key is re-read within five minutes.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export const JWKS_CACHE_MAX_SECONDS = 300;

/** Special-use ranges (IANA IPv4/IPv6 Special-Purpose Address Registries) a jwks_uri may not reach. */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 96], ['::ffff:0:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23],
  ['2001:db8::', 32], ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) BLOCKED.addSubnet(network, prefix, 'ipv6');

export function isSpecialUseAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class JwksFetchRefused extends Error {
  override readonly name = 'JwksFetchRefused';
}

export type Resolve = (hostname: string) => Promise<string[]>;

const resolveAll: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** Refuses `url` unless it is https and every address its host resolves to is public. */
export async function assertPublicHttpsUrl(url: URL, resolve: Resolve = resolveAll): Promise<void> {
  if (url.protocol !== 'https:') throw new JwksFetchRefused('jwks_uri must use https');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (cause) {
    throw new JwksFetchRefused('jwks_uri host does not resolve', { cause });
  }
  if (addresses.length === 0 || addresses.some(isSpecialUseAddress)) throw new JwksFetchRefused('jwks_uri resolves to a non-public address');
}

/**
 * `max-age` capped at JWKS_CACHE_MAX_SECONDS, `Expires` dropped (the library takes the longest).
 * An answer that says `no-store` or `no-cache` keeps its directives and loses its `max-age`
 * (the library reads only `max-age`), so it gets the library's shortest caching, 60 s.
 */
export function capCacheHeaders(headers: Headers): Headers {
  const capped = new Headers(headers);
  capped.delete('expires');
  const cacheControl = headers.get('cache-control') ?? '';
  const directives = cacheControl.split(',').map((d) => d.trim()).filter(Boolean);
  if (directives.some((d) => /^no-(store|cache)\b/i.test(d))) {
    const kept = directives.filter((d) => !/^(s-)?max-age\b/i.test(d));
    capped.set('cache-control', kept.join(', '));
    return capped;
  }
  const maxAge = /max-age=(\d+)/.exec(cacheControl);
  if (maxAge) capped.set('cache-control', `max-age=${Math.min(Number(maxAge[1]), JWKS_CACHE_MAX_SECONDS)}`);
  return capped;
}

/**
 * FOR TESTS ONLY, and only through createPortcullis' build options (never the environment): a
 * jwks_uri whose origin is `origin` (an https origin a test registered) is fetched from `target`
 * instead (a plain-http listener on loopback), with the address guard and the library's dispatcher
 * set aside for it alone. Everything else the guard does (no redirects, capped caching) and the
 * library's own handling of the answer stay as in production, so a test can run a jwks_uri's
 * happy path without a certificate or a public host.
 */
export interface UnsafeTestOnlyJwksOrigin {
  origin: string;
  target: string;
}

/** The guarded fetch of a key set: `base` is the fetch the request finally goes through. */
export async function guardedJwksFetch(url: URL, options: RequestInit, base: typeof fetch = globalThis.fetch, resolve?: Resolve, unsafeTestOnly?: UnsafeTestOnlyJwksOrigin): Promise<Response> {
  let response: Response;
  if (unsafeTestOnly !== undefined && url.origin === unsafeTestOnly.origin) {
    const { dispatcher: _guard, ...rest } = options as RequestInit & { dispatcher?: unknown };
    response = await base(new URL(`${url.pathname}${url.search}`, unsafeTestOnly.target), { ...rest, redirect: 'error' });
  } else {
    await assertPublicHttpsUrl(url, resolve);
    response = await base(url, { ...options, redirect: 'error' });
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: capCacheHeaders(response.headers) });
}

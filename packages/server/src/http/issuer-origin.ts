/**
 * Absolute URLs come from ISSUER only. The provider builds every absolute URL it hands out
 * (discovery's endpoints, the logout form's action, the interaction's return address, the
 * audiences it accepts in client assertions) from `ctx.href`, which Koa builds from the Host
 * header (or X-Forwarded-Host with TRUST_PROXY) or from an absolute-form request target
 * (RFC 9112 §3.2.2). Any of those is the client's to choose: `Host: evil.com` made discovery
 * say `http://evil.com/token`, and a cache in front would have kept it.
 * - `ctx.href` is redefined per request as the issuer's origin plus the request's path and query;
 * - nothing else changes: `ctx.host`, `ctx.protocol` and `ctx.secure` still describe the request
 *   as it arrived (cookies' Secure flag and the proxy rules keep working as before).
 */
import type { Middleware } from 'koa';

/** An absolute-form target (`GET http://host/path HTTP/1.1`); Koa would take its authority. */
const ABSOLUTE_FORM = /^[a-z][a-z\d+.-]*:\/\//i;

export function pathAndQueryOf(target: string): string {
  if (!ABSOLUTE_FORM.test(target)) return target;
  const url = URL.parse(target);
  return url ? `${url.pathname}${url.search}` : '/';
}

export function issuerOrigin(issuer: string): Middleware {
  const origin = new URL(issuer).origin;
  return async (ctx, next) => {
    Object.defineProperty(ctx.request, 'href', { value: `${origin}${pathAndQueryOf(ctx.originalUrl)}`, configurable: true, enumerable: true });
    await next();
  };
}

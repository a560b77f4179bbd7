/**
 * Browser pages answer at the issuer's address only. A page opened at another name for the same
 * server (`127.0.0.1` when ISSUER is `http://localhost:3000`) would set its cookies there, while
 * the sign-in flow returns to the issuer's origin: the sign-in then fails half-way ("This sign-in
 * started elsewhere"). So, before any flow starts:
 * - a GET or HEAD of a page path at a foreign host is redirected (307) to the same path and query
 *   at the issuer's origin; the Location is always the issuer's origin, so this is no open
 *   redirector whatever the Host header says;
 * - any other method at a foreign host is 421 Misdirected Request (RFC 9110 §15.5.20), with a page
 *   naming the issuer's address: a form posted there has no cookies to go with it.
 * Only page paths (our features, the provider's `/auth` and `/session/end`): the machine
 * endpoints (token, userinfo, introspection, discovery, JWKS) keep answering at any name, since
 * back ends often reach them by an internal host name. The admin listener is another app.
 * The request's host is Koa's `ctx.host`: the Host header, or X-Forwarded-Host with TRUST_PROXY.
 */
import type { Middleware } from 'koa';
import { pathAndQueryOf } from './issuer-origin.js';
import { sendPage } from './render.js';
import { errorView } from '../views/error.view.js';
import { message } from '../messages/message.js';
import { nonceOf, requestIdOf } from './request-state.js';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** `host[:port]` lower-cased, without the scheme's default port (`Host: a.example:443` is `a.example`). */
function normalHost(host: string, protocol: string): string {
  const lower = host.toLowerCase();
  const port = DEFAULT_PORTS[protocol];
  return port && lower.endsWith(`:${port}`) ? lower.slice(0, -(port.length + 1)) : lower;
}

export function canonicalHost(issuer: string, isPage: (path: string) => boolean): Middleware {
  const url = new URL(issuer);
  const expected = normalHost(url.host, url.protocol);
  return async (ctx, next) => {
    // Lower-cased: the provider's router and ours match paths case-insensitively (`/AUTH` is `/auth`).
    if (normalHost(ctx.host, url.protocol) === expected || !isPage(ctx.path.toLowerCase())) {
      await next();
      return;
    }
    const target = `${url.origin}${pathAndQueryOf(ctx.originalUrl)}`;
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      ctx.status = 307;
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(target);
      return;
    }
    sendPage(ctx, 421, errorView({
      nonce: nonceOf(ctx),
      title: message('page.wrong_host.title'),
      message: message('page.wrong_host.what', { origin: url.origin }),
      link: { href: '/account', label: message('page.next.account') },
      requestId: requestIdOf(ctx),
    }));
  };
}

/**
 * Security headers on every response of the public listener (SECURITY.md R10, R12, A11):
 * - CSP with a per-request nonce, `frame-ancestors 'none'`, `object-src 'none'`, `base-uri 'none'`;
 * - `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, `X-Content-Type-Options: nosniff`.
 * HSTS belongs at the TLS edge (Nginx), but is also sent here when the issuer is https.
* Headers are set before the handlers run, so the provider's own pages (form_post) can extend the
 * CSP with their script hash.
 * `form-action` is left unset: after a login POST the browser follows a redirect to the
 * client's redirect_uri, which a strict `form-action 'self'` would block in some browsers.
 */
import { randomBytes } from 'node:crypto';
import type { Middleware } from 'koa';

export interface SecurityState {
  nonce: string;
}

/**
 * 128-bit nonces cut from a pool of CSPRNG bytes refilled 256 nonces at a time: one
 * `randomBytes` call per response was 1 % of a token endpoint's CPU. Each nonce is still
 * fresh CSPRNG output, used once.
 */
function noncePool(): () => string {
  const NONCE_BYTES = 16;
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset >= pool.length) {
      pool = randomBytes(NONCE_BYTES * 256);
      offset = 0;
    }
    offset += NONCE_BYTES;
    return pool.toString('base64', offset - NONCE_BYTES, offset);
  };
}

export function securityHeaders(options: { https: boolean }): Middleware<SecurityState> {
  const nextNonce = noncePool();
  return async (ctx, next) => {
    const nonce = nextNonce();
    ctx.state.nonce = nonce;
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    if (options.https) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'self' 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ].join('; ');
    // Set before the handlers run: the provider's form_post page appends its script hash to it.
    ctx.set('Content-Security-Policy', csp);
    await next();
  };
}

/**
 * Lets this response's page show images from the origin of `url` (a branding logo, a client's
 * `logo_uri`): only an https origin, and only on img-src, so nothing else of that origin runs or
 * loads. A path on our own origin needs nothing ('self').
 */
export function allowImageOrigin(ctx: { response: { get(name: string): string }; set(name: string, value: string): void }, url: string | undefined): void {
  if (!url) return;
  let origin: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:') return;
    origin = parsed.origin;
  } catch {
    return;
  }
  const directives = ctx.response.get('Content-Security-Policy').split('; ');
  const img = directives.findIndex((d) => d.startsWith('img-src '));
  if (img < 0 || directives[img]!.split(' ').includes(origin)) return;
  directives[img] = `${directives[img]} ${origin}`;
  ctx.set('Content-Security-Policy', directives.join('; '));
}

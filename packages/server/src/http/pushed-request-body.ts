/**
 * The bound on a pushed authorization request's body (RFC 9126 §2.1, oidc/par.ts), in front of
 * the provider, which reads the body itself (up to its own 56 KiB, answering 400 above it).
 * - At most PAR_BODY_LIMIT_BYTES, by Content-Length: 413 above it. A pushed request carries what
 *   a GET /auth can (Nginx lets an 8 KiB request line through) plus a client_assertion of a
 *   private_key_jwt client (~1 KiB); 16 KiB is twice that, and what a public client can make
 *   the server store for 60 s stays small.
 * - A body without Content-Length (chunked) is refused with 411: its size is then known only by
 *   reading it, and the provider must read the body itself. Real clients send the length.
 * Nginx applies the same bound (deploy/nginx/portcullis-locations.conf, `location /request`).
 */
import type { Middleware } from 'koa';

export const PAR_BODY_LIMIT_BYTES = 16 * 1024;

const normalisePath = (path: string) => path.toLowerCase().replace(/\/+$/, '') || '/';

export function pushedRequestBodyLimit(parPath: string, limit = PAR_BODY_LIMIT_BYTES): Middleware {
  const guarded = normalisePath(parPath);
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || normalisePath(ctx.path) !== guarded) {
      await next();
      return;
    }
    const declared = ctx.request.length;
    if (declared === undefined || declared > limit) {
      ctx.status = declared === undefined ? 411 : 413;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {
        error: 'invalid_request',
        error_description: declared === undefined ? 'a pushed authorization request needs a Content-Length' : `a pushed authorization request is at most ${limit} bytes`,
      };
      return;
    }
    await next();
  };
}

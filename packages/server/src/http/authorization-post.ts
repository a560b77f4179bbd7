/**
 * OpenID Connect Core §3.1.2.1: the authorization endpoint MUST accept POST with the request's
 * parameters form-serialised. The provider can take a POST itself only with SameSite=None
 * cookies (its `enableHttpPostMethods`), because a cross-site POST carries no Lax cookie and
 * would lose the session. So a POST is answered with a 303 to the same request as GET: the
 * browser follows it as a top-level navigation, which carries the Lax cookies, and the request
 * then takes the one path every GET takes (offline_access → consent, the provider's checks).
 * - The body is the only source of parameters (as for the provider's own POST route); a query
 *   on the POSTed URL is ignored.
 * - The body must be `application/x-www-form-urlencoded` (415 otherwise), valid UTF-8 with valid
 *   percent-escapes (400), and at most 8 KiB (413).
 * - The query it becomes, once re-encoded (which can triple raw UTF-8 or `!'()~`), must be at most
 *   4 KiB (413): the Location header has to fit a reverse proxy's response-header buffer (Nginx's
 *   default `proxy_buffer_size` is one page, 4 KiB on most systems), and the GET the browser then
 *   sends its request-line buffer (`large_client_header_buffers`, 8 KiB). Real authorization
 *   requests are a few hundred bytes.
 * - Parameters are re-serialised, never copied: the Location header holds nothing the body did
 *   not encode. Repeated parameters are kept, for the provider to refuse as on any GET.
 */
import type { Middleware } from 'koa';
import { AppError } from './app-error.js';
import { isCleanUtf8Form } from './form-body.js';
import { readUtf8Body } from './read-body.js';
import { message } from '../messages/message.js';

export const AUTHORIZATION_POST_LIMIT_BYTES = 8 * 1024;
export const AUTHORIZATION_QUERY_LIMIT_BYTES = 4 * 1024;

/** Answers a POST to `authorizationPath` (the caller routes only those here). */
export function authorizationPostAsGet(authorizationPath: string): Middleware {
  return async (ctx) => {
    if (!ctx.is('application/x-www-form-urlencoded')) {
      throw new AppError('request.unsupported_media_type', message('error.request.authorization_type'));
    }
    const body = await readUtf8Body(ctx, AUTHORIZATION_POST_LIMIT_BYTES);
    if (!isCleanUtf8Form(body)) throw new AppError('request.invalid', message('error.request.authorization_not_text'));
    const query = new URLSearchParams(body).toString();
    if (query.length > AUTHORIZATION_QUERY_LIMIT_BYTES) {
      throw new AppError('request.too_large', message('error.request.authorization_too_long'));
    }
    ctx.status = 303;
    ctx.redirect(query ? `${authorizationPath}?${query}` : authorizationPath);
  };
}

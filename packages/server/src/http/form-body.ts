/**
 * Parses `application/x-www-form-urlencoded` bodies for our own pages (the provider parses its
 * own). Small limit: these forms carry an email, a name, a password and a token. Anything else
 * (wrong type, too large, broken encoding) becomes a clear 4xx, never a 500.
 * - The body parser decodes leniently (`%FF` becomes U+FFFD or stays as typed), which would
 *   silently change a password; a field that is not valid percent-encoded UTF-8 is refused instead.
 * - U+0000 is refused too: PostgreSQL text cannot hold it, so it would fail a query (a 500).
 */
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { AppError } from './app-error.js';

export function formBody(): Middleware {
  const parse = bodyParser({ enableTypes: ['form'], formLimit: '16kb', encoding: 'utf-8' });
  return async (ctx, next) => {
    if (!ctx.is('application/x-www-form-urlencoded')) throw new AppError('request.unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
    try {
      await parse(ctx, () => Promise.resolve());
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new AppError(status === 413 ? 'request.too_large' : 'request.invalid', undefined, { cause: error });
    }
    if (!isCleanUtf8Form(ctx.request.rawBody)) throw new AppError('request.invalid', 'The form holds characters that are not valid text. Go back and try again.');
    await next();
  };
}

/** True when every `name=value` part decodes as UTF-8 and holds no U+0000. */
function isCleanUtf8Form(raw: string | undefined): boolean {
  return (raw ?? '').split('&').every((part) => {
    try {
      return !decodeURIComponent(part.replaceAll('+', ' ')).includes('\u0000');
    } catch {
      return false;
    }
  });
}

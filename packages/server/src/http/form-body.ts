/**
 * Parses `application/x-www-form-urlencoded` bodies for our own pages (the provider parses its
 * own). Small limit: these forms carry an email, a name, a password and a token. Anything else
 * (wrong type, too large, broken encoding) becomes a clear 4xx, never a 500.
 */
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { AppError } from './app-error.js';

export function formBody(): Middleware {
  const parse = bodyParser({ enableTypes: ['form'], formLimit: '16kb', encoding: 'utf-8' });
  return async (ctx, next) => {
    if (!ctx.is('application/x-www-form-urlencoded')) throw new AppError('request.unsupported_media_type');
    try {
      await parse(ctx, () => Promise.resolve());
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new AppError(status === 413 ? 'request.too_large' : 'request.invalid', undefined, { cause: error });
    }
    await next();
  };
}

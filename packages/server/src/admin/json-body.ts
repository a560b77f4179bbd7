/** JSON bodies for the admin API: 64 KiB at most, strict JSON, bad input is a 400. */
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { AppError } from '../http/app-error.js';

export function jsonBody(): Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' });
  return async (ctx, next) => {
    const hasBody = ctx.request.length > 0 || ctx.get('Transfer-Encoding') !== '';
    if (hasBody && !ctx.is('application/json')) throw new AppError('request.unsupported_media_type');
    try {
      await parse(ctx, () => Promise.resolve());
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new AppError(status === 413 ? 'request.too_large' : 'admin.invalid', 'The body is not valid JSON.', { cause: error });
    }
    await next();
  };
}

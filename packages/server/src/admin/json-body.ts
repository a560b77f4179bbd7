/**
 * JSON bodies for the admin API: 64 KiB at most, strict JSON, bad input is a 400.
 * A string holding U+0000 is refused: PostgreSQL text and jsonb cannot store it (a 500 otherwise).
 */
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { AppError } from '../http/app-error.js';

export function jsonBody(): Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' });
  return async (ctx, next) => {
    const hasBody = ctx.request.length > 0 || ctx.get('Transfer-Encoding') !== '';
    if (hasBody && !ctx.is('application/json')) throw new AppError('request.unsupported_media_type', 'Send the body as application/json.');
    try {
      await parse(ctx, () => Promise.resolve());
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 413) throw new AppError('request.too_large', undefined, { cause: error });
      throw new AppError('admin.invalid', 'The body is not valid JSON.', { cause: error });
    }
    if (holdsNul(ctx.request.body)) throw new AppError('admin.invalid', 'Text in the body must not contain NUL (U+0000) characters.');
    await next();
  };
}

/** Walks the parsed body without recursion: a 64 KiB body can nest 30,000 levels deep. */
function holdsNul(body: unknown): boolean {
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string' && value.includes('\u0000')) return true;
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        pending.push(child);
      }
    }
  }
  return false;
}

/**
 * JSON bodies for the admin API: 64 KiB at most, strict JSON, bad input is a 400.
 * - Bytes that are not valid UTF-8 are refused (http/read-body.ts), never stored as U+FFFD
 *   (RFC 8259 §8.1: JSON text exchanged between systems is UTF-8).
 * - Only an object or an array at the top (a bare string or number is no request); an empty
 *   body is `{}`.
 * - A string holding U+0000 is refused: PostgreSQL text and jsonb cannot store it (a 500 otherwise).
 */
import type { Middleware } from 'koa';
import { AppError } from '../http/app-error.js';
import { readUtf8Body } from '../http/read-body.js';
import { message } from '../messages/message.js';

const JSON_LIMIT_BYTES = 64 * 1024;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function jsonBody(): Middleware {
  return async (ctx, next) => {
    const hasBody = ctx.request.length > 0 || ctx.get('Transfer-Encoding') !== '';
    if (hasBody && !ctx.is('application/json')) throw new AppError('request.unsupported_media_type', message('error.admin.json_type'));
    if (BODY_METHODS.has(ctx.method)) {
      const text = await readUtf8Body(ctx, JSON_LIMIT_BYTES).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'request.invalid') throw new AppError('admin.invalid', error.detail ?? message('error.admin.body_unreadable'), { cause: error });
        throw error;
      });
      ctx.request.body = parseStrictJson(text);
    }
    if (holdsUnstorable(ctx.request.body)) {
      throw new AppError('admin.invalid', message('error.admin.body_not_unicode'));
    }
    await next();
  };
}

function parseStrictJson(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) throw new AppError('admin.invalid', message('error.admin.body_not_container'));
  try {
    return JSON.parse(trimmed) as unknown;
  } catch (error) {
    throw new AppError('admin.invalid', message('error.admin.body_not_json'), { cause: error });
  }
}

/**
 * Whether any key or string holds what PostgreSQL text cannot store as sent: NUL, or a lone
 * surrogate from a JSON escape (`"\ud800"`), which the driver would silently turn into U+FFFD.
 * Walks the parsed body without recursion: a 64 KiB body can nest 30,000 levels deep.
 */
function holdsUnstorable(body: unknown): boolean {
  const bad = (text: string) => text.includes('\u0000') || !text.isWellFormed();
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string' && bad(value)) return true;
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (bad(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}

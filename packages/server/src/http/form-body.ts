/**
 * Parses `application/x-www-form-urlencoded` bodies for our own pages (the provider parses its
 * own). Small limit: these forms carry an email, a name, a password and a token. Anything else
 * (wrong type, too large, broken encoding) becomes a clear 4xx, never a 500.
 * - Raw bytes that are not UTF-8 are refused by the reader (read-body.ts); a lenient decoder
 *   would turn them into U+FFFD and silently change a password.
 * - So are percent-escapes that do not decode to UTF-8 (`%FF`, `Zo%C3`, a lone `%`).
 * - U+0000 is refused too: PostgreSQL text cannot hold it, so it would fail a query (a 500).
 * - A repeated field becomes a list, which every form schema refuses: one value per field.
 */
import type { Middleware } from 'koa';
import { AppError } from './app-error.js';
import { readUtf8Body } from './read-body.js';
import { message } from '../messages/message.js';

const FORM_LIMIT_BYTES = 16 * 1024;

export function formBody(): Middleware {
  return async (ctx, next) => {
    if (!ctx.is('application/x-www-form-urlencoded')) throw new AppError('request.unsupported_media_type', message('error.request.form_type'));
    const raw = await readUtf8Body(ctx, FORM_LIMIT_BYTES).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'request.invalid') throw new AppError('request.invalid', message('error.request.form_not_text'), { cause: error });
      throw error;
    });
    if (!isCleanUtf8Form(raw)) throw new AppError('request.invalid', message('error.request.form_not_text'));
    ctx.request.body = parseForm(raw);
    await next();
  };
}

/** True when every `name=value` part percent-decodes as UTF-8 and holds no U+0000. */
export function isCleanUtf8Form(raw: string): boolean {
  return raw.split('&').every((part) => {
    try {
      return !decodeURIComponent(part.replaceAll('+', ' ')).includes('\u0000');
    } catch {
      return false;
    }
  });
}

/** Fields by name; a name sent twice gets the list of its values. Own properties only. */
function parseForm(raw: string): Record<string, string | string[]> {
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(raw)) {
    const seen = fields.get(name);
    fields.set(name, seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]);
  }
  return Object.fromEntries(fields);
}

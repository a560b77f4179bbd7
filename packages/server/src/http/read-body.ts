/**
 * Reads a request body as UTF-8 text, strictly, for our own forms, the admin API and POSTed
 * authorization requests (the provider reads its own endpoints' bodies):
 * - at most `limit` bytes, checked against Content-Length first and while reading (413);
 * - no content coding (415): a compressed body would be inflated past any limit worth having,
 *   and no browser or CLI of ours sends one;
 * - bytes that are not valid UTF-8 are refused (400), never turned into U+FFFD: a password,
 *   an email or a client name must reach us exactly as typed, or not at all.
 */
import type { Context } from 'koa';
import { AppError } from './app-error.js';
import { message } from '../messages/message.js';

declare module 'koa' {
  interface Request {
    /** The parsed body of our own routes, set by formBody() and jsonBody(); unknown until a schema parses it. */
    body?: unknown;
  }
}

export async function readUtf8Body(ctx: Context, limit: number): Promise<string> {
  const coding = ctx.get('Content-Encoding').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') throw new AppError('request.unsupported_media_type', message('error.request.body_compressed'));
  const declared = ctx.request.length;
  if (declared !== undefined && declared > limit) throw new AppError('request.too_large');
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    // Not destroyed on a refusal: that would reset the connection before the 413 is sent.
    for await (const chunk of ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > limit) throw new AppError('request.too_large');
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('request.invalid', undefined, { cause: error });
  }
  if (declared !== undefined && received !== declared) throw new AppError('request.invalid');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, received));
  } catch (error) {
    throw new AppError('request.invalid', message('error.request.body_not_utf8'), { cause: error });
  }
}

/**
 * Turns anything thrown by our own routes into a clear response: an AppError keeps its status
 * and message; a dependency that is down or timing out (PostgreSQL, Redis) is a 503 with
 * Retry-After; anything else is logged with the request id and shown as a plain 500 page,
 * never with a stack trace. JSON callers (the admin API) get `{error, message}`.
 */
import type { Middleware } from 'koa';
import type { ApiError } from '@portcullis/contract';
import type { Logger } from '../observability/logger.js';
import { AppError } from './app-error.js';
import { message } from '../messages/message.js';
import { isUnavailable } from '../stores/unavailable.js';
import { sendPage } from './render.js';
import { errorView } from '../views/error.view.js';
import { nonceOf, requestIdOf } from './request-state.js';

/** What a 503 tells the client: try again in this many seconds. */
export const RETRY_AFTER_SECONDS = 5;

export function errorHandler(logger: Logger, style: 'html' | 'json'): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError('request.not_found');
    } catch (caught) {
      const error = toAppError(caught);
      if (error.status >= 500) logger.error('request failed', { requestId: requestIdOf(ctx), path: ctx.path, error: describe(caught) });
      if (error.code === 'service.unavailable') ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      if (error.code === 'request.rate_limited' && !ctx.response.get('Retry-After')) ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      if (style === 'json') {
        ctx.status = error.status;
        ctx.body = { error: error.code, message: error.publicMessage } satisfies ApiError;
        return;
      }
      sendPage(ctx, error.status, errorPage(ctx, error));
    }
  };
}

/**
 * Our own error page: the error's message, what to do next (a 404 or a refusal: check and try
 * again from the start; a failure: wait), a link to the account page, and the code in small print.
 */
export function errorPage(ctx: Parameters<Middleware>[0], error: AppError): ReturnType<typeof errorView> {
  const notFound = error.code === 'request.not_found';
  const failed = error.status >= 500;
  return errorView({
    nonce: nonceOf(ctx),
    title: message(notFound ? 'page.not_found' : failed ? 'page.failed' : 'page.refused'),
    message: error.publicMessage,
    next: message(notFound ? 'page.next.not_found' : failed ? 'page.next.later' : 'page.next.try_again'),
    link: { href: '/account', label: message('page.next.account') },
    ...(!notFound && { code: error.code }),
    requestId: requestIdOf(ctx),
  });
}

function toAppError(caught: unknown): AppError {
  if (caught instanceof AppError) return caught;
  if (isUnavailable(caught)) return new AppError('service.unavailable', undefined, { cause: caught });
  const status = (caught as { status?: unknown }).status;
  const expose = (caught as { expose?: unknown }).expose === true;
  if (typeof status === 'number' && status === 413) return new AppError('request.too_large');
  if (typeof status === 'number' && (status === 405 || status === 501)) return new AppError('request.method_not_allowed');
  if (typeof status === 'number' && status >= 400 && status < 500 && expose) return new AppError('request.invalid');
  return new AppError('internal', undefined, { cause: caught });
}

function describe(caught: unknown): string {
  return caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
}

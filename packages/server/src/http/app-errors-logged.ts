/**
 * Koa prints uncaught errors with their stack to stderr by default. Route them to the JSON
 * logger instead, with the request id and without request data (which may carry secrets).
 */
import type Koa from 'koa';
import type { Logger } from '../observability/logger.js';
import { requestIdOf } from './request-state.js';

export function logAppErrors(app: Koa, logger: Logger, listener: string): void {
  app.silent = true;
  app.on('error', (error: Error & { status?: number }, ctx?: Koa.Context) => {
    if (error.status !== undefined && error.status < 500) return;
    logger.error('unhandled error', { listener, requestId: ctx ? requestIdOf(ctx) : undefined, error: `${error.name}: ${error.message}` });
  });
}

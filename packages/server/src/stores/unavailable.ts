/**
 * "A dependency is down" as one error: PostgreSQL or Redis unreachable, refusing connections,
 * timing out, or failing over. Such a failure is a 503 with `Retry-After`, never a 500 and
 * never a hang.
 * - On our routes the error handler maps it to AppError 'service.unavailable'.
 * - On the provider's routes it must carry `statusCode = 503` itself: the provider answers
 *   `err.statusCode || 500` and renders `server_error` (not exposed, so no detail leaks).
 * It lives with the stores because it knows their drivers' failures (pg, ioredis): a new store
 * whose driver fails in words of its own adds them to MESSAGES below.
 */
import { errorMessage } from '../error-message.js';

export class UnavailableError extends Error {
  readonly status = 503;
  readonly statusCode = 503;
  /** Not a client error: the provider renders it as `server_error` and emits `server_error`. */
  readonly expose = false;

  constructor(cause: unknown) {
    super(`dependency unavailable: ${errorMessage(cause)}`, { cause });
    this.name = 'UnavailableError';
  }
}

/** Socket-level failures: the peer is gone, refuses, or cannot be resolved or reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "wrong request": connection exceptions
 * (08), insufficient resources (53: too many connections, disk full), operator intervention
 * (57: shutdown, cannot connect now, statement timeout), and a read-only server (25006: the
 * primary became a replica in a failover).
 */
const PG_UNAVAILABLE = /^(08|53|57)|^25006$/;

/** Messages from pg and ioredis that carry no code. */
const MESSAGES = [
  /^Query read timeout$/, // pg: query_timeout
  /timeout exceeded when trying to connect/, // pg-pool: no connection within connectionTimeoutMillis
  /^Connection terminated/, // pg: server or network went away mid-query
  /^Command timed out$/, // ioredis: commandTimeout
  /^Stream isn't writeable/, // ioredis: disconnected, offline queue disabled
  /^Connection is closed\.?$/, // ioredis
  /^Reached the max retries per request limit/, // ioredis: MaxRetriesPerRequestError
  /^(LOADING|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|BUSY)\b/, // Redis: restarting or failing over
];

export function isUnavailable(error: unknown): boolean {
  if (error instanceof UnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
  // Node reports a refused dual-stack connect as an AggregateError of per-address errors.
  return Array.isArray(errors) && errors.length > 0 && errors.every(isUnavailable);
}

/** The same error, or an UnavailableError wrapping it when it means a dependency is down. */
export function asUnavailable(error: unknown): unknown {
  return error instanceof UnavailableError || !isUnavailable(error) ? error : new UnavailableError(error);
}

/** Awaits `work`, turning "dependency down" failures into UnavailableError (503). */
export async function orUnavailable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw asUnavailable(error);
  }
}

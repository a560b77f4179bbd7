/**
 * The one Redis connection an instance uses, tuned to fail fast:
 * - connecting and every command are bounded by `timeoutMs` (a frozen Redis answers nothing;
 *   the command still fails in time);
 * - no offline queue: while Redis is unreachable a command fails at once instead of waiting
 *   for a reconnect, so a request gets its 503 quickly;
 * - commands in flight when the connection drops fail and are never re-sent after the
 *   reconnect: the caller already answered with an error, and a replayed `consume` would
 *   silently use up a code its client was told had not been redeemed;
 * - reconnecting keeps going in the background (at most a second apart), so service resumes
 *   by itself when Redis is back.
 * - commands issued in the same turn of the event loop go out in one write (ioredis's
 *   auto-pipelining): under load, requests resumed by one Redis reply send their next
 *   commands together instead of one system call each (docs/benchmarks.md).
 * The start waits for the first connection and fails when there is none: an instance that
 * cannot reach its stores should not start. Outages after the start are 503s and /readyz.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.js';
import { errorMessage } from '../../error-message.js';

export interface RedisConnection {
  client: Redis;
  /** PING; rejects when Redis is down (at once) or does not answer (after the command timeout). */
  ping: () => Promise<void>;
  close(): Promise<void>;
}

export async function connectRedis(url: string, options: { timeoutMs: number; logger: Logger }): Promise<RedisConnection> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    keepAlive: 10_000,
    enableAutoPipelining: true,
  });

  // Log transitions, not every failed reconnect attempt of an outage.
  let healthy = false;
  client.on('ready', () => {
    if (!healthy) options.logger.info('redis connected');
    healthy = true;
  });
  client.on('error', (error: Error) => {
    if (healthy) options.logger.warn('redis unavailable', { error: error.message });
    healthy = false;
  });

  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is not reachable: ${errorMessage(error)}`, { cause: error });
  }

  return {
    client,
    ping: async () => {
      await client.ping();
    },
    async close() {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

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
 * - behind Sentinel (`REDIS_SENTINELS`), ioredis asks the Sentinels for the primary, checks
 *   the node it reaches really is one (ROLE), and asks again on a lost connection or a
 *   READONLY answer (a primary demoted after a partition).
 *   A promotion is followed without a restart: requests fail fast (503) until it is done.
 * The start waits for the first connection and fails when there is none: an instance that
 * cannot reach its stores should not start. Outages after the start are 503s and /readyz.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSentinelConfig } from '@portcullis/config';
import type { Logger } from '../../observability/logger.js';
import { errorMessage } from '../../error-message.js';

export interface RedisConnection {
  client: Redis;
  /** PING; rejects when Redis is down (at once) or does not answer (after the command timeout). */
  ping: () => Promise<void>;
  close(): Promise<void>;
}

/** One Redis (`REDIS_URL`), or the primary the Sentinels name (`REDIS_SENTINELS`). */
export type RedisTarget = { url: string } | { sentinel: RedisSentinelConfig };

/** The target's address for messages: never a password from the URL. */
export function describeRedisTarget(target: RedisTarget): string {
  if ('url' in target) {
    const url = new URL(target.url);
    return `${url.hostname}:${url.port || 6379}`;
  }
  return `primary "${target.sentinel.name}" of Sentinels ${target.sentinel.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
}

function sentinelOptions(sentinel: RedisSentinelConfig, timeoutMs: number): RedisOptions {
  return {
    sentinels: sentinel.sentinels.map(({ host, port }) => ({ host, port })),
    name: sentinel.name,
    role: 'master',
    sentinelCommandTimeout: timeoutMs,
    // Asking the Sentinels again, at most a second apart, for as long as it takes.
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    // Not ioredis' `failoverDetector`: in drill 3 it left an instance disconnected for good after
    // a +switch-master now and then. A dead primary drops the connection, and a demoted one
    // answers READONLY; both make the client ask the Sentinels again.
    // A demoted primary (back from a partition) answers writes with READONLY: ask the
    // Sentinels again instead of failing every write until the connection drops.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  };
}

/** `target`: a `redis://` URL, or where to find the primary. */
export async function connectRedis(target: string | RedisTarget, options: { timeoutMs: number; logger: Logger }): Promise<RedisConnection> {
  if (typeof target === 'string') target = { url: target };
  const common: RedisOptions = {
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    keepAlive: 10_000,
    enableAutoPipelining: true,
  };
  const client = 'url' in target ? new Redis(target.url, common) : new Redis({ ...common, ...sentinelOptions(target.sentinel, options.timeoutMs) });

  // Log transitions, not every failed reconnect attempt of an outage.
  let healthy = false;
  client.on('ready', () => {
    if (!healthy) options.logger.info('redis connected', { address: `${client.stream?.remoteAddress ?? '?'}:${client.stream?.remotePort ?? '?'}` });
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
        // Already unreachable: nothing to say goodbye to.
      }
      // Also ends any connection to a Sentinel the client still holds (QUIT leaves those open).
      client.disconnect();
    },
  };
}

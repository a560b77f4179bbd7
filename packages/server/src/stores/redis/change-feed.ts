/**
 * Tells every instance sharing a Redis that something it caches changed, so a change made
 * through one instance's admin API takes effect on all of them at once (the Redis side of the
 * stores' `ChangeFeed`, ../stores.ts; the messages are ../change.ts):
 * - `client`: a client was changed, had its secret rotated or was deleted; each
 *   instance drops it from its client cache (oidc/client-cache.ts), so an old secret or a
 *   deleted client stops working everywhere, not only on the instance that made the change;
 * - `keys`: the signing keys rotated; each instance reloads them (the 30 s key poll stays as
 *   the backstop).
 * Redis pub/sub and not PostgreSQL LISTEN/NOTIFY: PgBouncer's transaction pooling does not
 * carry a LISTEN from one transaction to the next.
 *
 * Pub/sub delivers at most once: a message published while a subscriber is disconnected is
 * gone. So when this instance's subscriber comes back after a drop, `onResync` is called and
 * the instance drops every cached client and reloads its keys. Publishing never fails the write
 * that caused it (the write is already committed); a lost publish is logged, and the cache TTL
 * (10 s, plus replica lag) and the key poll (30 s) still bound how long another instance lags.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.js';
import { errorMessage } from '../../error-message.js';
import { changeSchema, type Change } from '../change.js';

export const CHANGE_CHANNEL = 'portcullis:changes';

export interface RedisChangeFeed {
  /** Announces a change to every instance, this one included. Never throws. */
  publish(change: Change): Promise<void>;
  close(): Promise<void>;
}

export async function openChangeFeed(redis: Redis, deps: { onChange(change: Change): void; onResync(): void; logger: Logger }): Promise<RedisChangeFeed> {
  // A subscribed connection can do nothing else, so it is a connection of its own. It keeps
  // reconnecting in the background like the main one and subscribes again by itself.
  const subscriber = redis.duplicate({ lazyConnect: true, autoResubscribe: true, enableAutoPipelining: false });
  let subscribedOnce = false;
  let connected = false;
  subscriber.on('error', () => undefined);
  subscriber.on('close', () => {
    connected = false;
  });
  subscriber.on('ready', () => {
    // The first `ready` is the start; any later one follows a drop, during which messages
    // may have been lost.
    if (subscribedOnce && !connected) {
      deps.logger.info('change feed reconnected; dropping cached clients and reloading keys');
      deps.onResync();
    }
    connected = true;
  });
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== CHANGE_CHANNEL) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      parsed = undefined;
    }
    const change = changeSchema.safeParse(parsed);
    if (!change.success) {
      deps.logger.warn('ignored a malformed change message', { channel });
      return;
    }
    deps.onChange(change.data);
  });

  try {
    await subscriber.connect();
    await subscriber.subscribe(CHANGE_CHANNEL);
  } catch (error) {
    subscriber.disconnect();
    throw new Error(`could not subscribe to ${CHANGE_CHANNEL}: ${errorMessage(error)}`, { cause: error });
  }
  subscribedOnce = true;
  connected = true;

  return {
    async publish(change) {
      try {
        await redis.publish(CHANGE_CHANNEL, JSON.stringify(change));
      } catch (error) {
        deps.logger.warn('could not announce a change to other instances; they notice it within the cache lifetime', {
          kind: change.kind,
          error: errorMessage(error),
        });
      }
    },
    async close() {
      try {
        await subscriber.quit();
      } catch {
        // Already unreachable.
      }
      // Behind Sentinel, QUIT may leave a connection to a Sentinel open.
      subscriber.disconnect();
    },
  };
}

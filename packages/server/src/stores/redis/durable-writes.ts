/**
 * Writes that must survive a Redis failover: marking a code or refresh token consumed, and
 * deleting a token, grant or session (a revocation). Redis replicates asynchronously, so a
 * primary that dies right after acknowledging such a write may take it along, and the replica
 * Sentinel promotes would bring the code, token or grant back to life (RFC 9700 §4.14: a
 * refresh token used twice must be refused).
 * - These writes go over a connection of their own, followed by `WAIT <replicas> <timeout>`,
 *   which returns once that many replicas acknowledged every earlier write of this connection
 *   (https://redis.io/docs/latest/commands/wait/).
 * - Fail closed: fewer acknowledgements within the timeout and the write counts as failed (a
 *   503 to the client, `portcullis_redis_unreplicated_writes_total`), rather than reporting
 *   success for a write a failover could undo. The write itself stays on the primary.
 * - A consume first checks that a replica is there (`ready`: the same WAIT, before the write):
 *   without one, the code or token is not used up and the 503 can be retried. Otherwise a
 *   consume on a primary without a replica (right after a promotion, before the old primary
 *   returns) would use up the token and answer 503, and the client's retry would be a replay
 *   that revokes its grant. Only a replica lost between the two WAITs still does that.
 * - Their own connection: WAIT blocks the connection it runs on, so it must not hold up the
 *   reads and writes of every other request on the shared one.
 * What WAIT does not give (docs/production.md "Redis failover"): the replica holds the write in
 * memory, not necessarily on disk, and Sentinel may still promote a replica that did not
 * acknowledge it when there is more than one.
 */
import type { Redis } from 'ioredis';
import { UnavailableError } from '../unavailable.js';

export interface DurableWrites {
  /** The connection the consume and revoke writes, and their WAIT, go over. */
  client: Redis;
  /** After one of those writes: resolves when enough replicas have it, rejects otherwise. */
  replicated: () => Promise<void>;
  /** Before a consume: resolves when enough replicas are connected and caught up, rejects otherwise. */
  ready: () => Promise<void>;
}

/** A 503 like any other "Redis is not fully there" (unavailable.ts), never a 500. */
export class ReplicationError extends UnavailableError {
  constructor(acked: number, wanted: number) {
    super(`redis: ${acked} of ${wanted} replica(s) acknowledged a consume or revoke write in time`);
    this.name = 'ReplicationError';
  }
}

/**
 * `replicas` 0: no WAIT (one Redis without replicas: REDIS_URL). `timeoutMs` stays below the
 * command timeout, so a WAIT that gives up answers before ioredis would drop it.
 */
export function durableWrites(client: Redis, options: { replicas: number; timeoutMs: number; onUnreplicated?: () => void }): DurableWrites {
  const { replicas, timeoutMs } = options;
  const waitForReplicas = async () => {
    if (replicas === 0) return;
    const acked = await client.wait(replicas, timeoutMs);
    if (acked < replicas) {
      options.onUnreplicated?.();
      throw new ReplicationError(acked, replicas);
    }
  };
  return { client, replicated: waitForReplicas, ready: waitForReplicas };
}

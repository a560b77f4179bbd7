/**
 * Single use across a Redis failover (durable-writes.ts), on a real primary and replica: a
 * consume or revoke is acknowledged only once the replica has it, so promoting the replica after
 * a kill -9 of the primary cannot bring a code, refresh token or grant back; with no replica
 * to acknowledge, the write fails (closed) instead of reporting success.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { errors } from 'oidc-provider';
import type { Adapter } from 'oidc-provider';
import type { Redis } from 'ioredis';
import { createLogger } from '../../observability/logger.js';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import { connectRedis, type RedisConnection } from './redis.client.js';
import { createRedisAdapterClass, redisKeys } from './redis.adapter.js';
import { durableWrites, ReplicationError } from './durable-writes.js';

const logger = createLogger('error', { silent: true });

async function waitForLink(replica: RedisConnection): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (/master_link_status:up/.test(await replica.client.info('replication'))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the replica never synced');
}

describe('durable consume and revoke writes (WAIT for a replica)', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  const open: RedisConnection[] = [];
  const connect = async (url: string) => {
    const connection = await connectRedis(url, { timeoutMs: 2000, logger });
    open.push(connection);
    return connection;
  };
  /** The adapter as production builds it behind Sentinel: a second connection for the durable writes. */
  const adapterOn = (connection: RedisConnection, model: string, timeoutMs = 500): Adapter => {
    let writer = writers.get(connection);
    if (!writer) {
      writer = connection.client.duplicate({ lazyConnect: false, enableOfflineQueue: true });
      writer.on('error', () => undefined);
      writers.set(connection, writer);
    }
    const RedisAdapter = createRedisAdapterClass(connection.client, { durable: durableWrites(writer, { replicas: 1, timeoutMs }) });
    return new RedisAdapter(model);
  };
  const writers = new Map<RedisConnection, Redis>();

  before(async () => {
    // As deploy/redis/redis.conf: the replica's sync starts at once.
    primary = await startRedisServer({ args: ['--repl-diskless-sync-delay', '0'] });
    replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
    await waitForLink(await connect(replica.url));
  });
  after(async () => {
    for (const writer of writers.values()) writer.disconnect();
    await Promise.all(open.map((c) => c.close()));
    await replica.close();
    await primary.close();
  });

  it('keeps a consumed refresh token and a revoked grant consumed and revoked on a replica promoted after kill -9', async () => {
    const onPrimary = await connect(primary.url);
    const grantId = randomUUID();
    const rt = randomUUID();
    const revokedRt = randomUUID();
    const otherGrant = randomUUID();
    await adapterOn(onPrimary, 'RefreshToken').upsert(rt, { jti: rt, kind: 'RefreshToken', grantId }, 600);
    await adapterOn(onPrimary, 'RefreshToken').upsert(revokedRt, { jti: revokedRt, kind: 'RefreshToken', grantId: otherGrant }, 600);
    // The replica is there: give it 1.5 s (below the 2 s command timeout, as production keeps
    // WAIT below it), since a machine busy with the rest of the suite may take over 0.5 s.
    await adapterOn(onPrimary, 'RefreshToken', 1500).consume(rt);
    await adapterOn(onPrimary, 'Grant', 1500).revokeByGrantId(otherGrant);

    // No grace: the primary dies the moment the writes were acknowledged.
    await primary.kill();
    const promoted = await connect(replica.url);
    await promoted.client.replicaof('NO', 'ONE');
    assert.ok(await promoted.client.hget(redisKeys.record('RefreshToken', rt), 'consumed'), 'the consume reached the replica before it was acknowledged');
    assert.equal(await promoted.client.exists(redisKeys.record('RefreshToken', revokedRt)), 0, 'the revocation reached the replica');
    // Without a replica of its own yet, the promoted node answers a durable write with 503s;
    // the replay check itself needs no replica.
    const Plain = createRedisAdapterClass(promoted.client);
    await assert.rejects(new Plain('RefreshToken').consume(rt), errors.InvalidGrant, 'the rotated refresh token stays used');
  });

  it('fails a consume closed when no replica acknowledges it in time', async () => {
    const lone = await startRedisServer();
    try {
      const connection = await connect(lone.url);
      const id = randomUUID();
      await adapterOn(connection, 'AuthorizationCode').upsert(id, { jti: id, kind: 'AuthorizationCode', grantId: randomUUID() }, 60);
      const started = Date.now();
      await assert.rejects(adapterOn(connection, 'AuthorizationCode').consume(id), (error: unknown) => {
        assert.ok(error instanceof ReplicationError);
        assert.equal(error.statusCode, 503, 'a 503 for the client, not a 500');
        return true;
      });
      assert.ok(Date.now() - started < 1500, 'within the WAIT timeout');
      // Refused before the write: the code is not used up, so the client's retry is no replay.
      assert.equal(await connection.client.hget(redisKeys.record('AuthorizationCode', id), 'consumed'), null);
      await assert.rejects(adapterOn(connection, 'Session').destroy(randomUUID()), ReplicationError, 'a revocation too');
      // What does not need to survive a failover does not wait.
      await adapterOn(connection, 'Interaction').destroy(randomUUID());
    } finally {
      await lone.close();
    }
  });
});

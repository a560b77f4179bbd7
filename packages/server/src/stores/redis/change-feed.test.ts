import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../observability/logger.js';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import type { Change } from '../change.js';
import { CHANGE_CHANNEL, openChangeFeed, type RedisChangeFeed } from './change-feed.js';
import { connectRedis, type RedisConnection } from './redis.client.js';

/** One instance's view: its connection, its feed, what it was told. */
interface Instance {
  connection: RedisConnection;
  feed: RedisChangeFeed;
  changes: Change[];
  resyncs: number;
  logs: string[];
}

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('change feed between instances', () => {
  let server: RedisServer;
  const instances: Instance[] = [];

  async function instance(): Promise<Instance> {
    const logs: string[] = [];
    const logger = createLogger('info', { stream: new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()) }) });
    const connection = await connectRedis(server.url, { timeoutMs: 1000, logger });
    const me: Instance = { connection, feed: undefined as never, changes: [], resyncs: 0, logs };
    me.feed = await openChangeFeed(connection.client, { logger, onChange: (change) => me.changes.push(change), onResync: () => me.resyncs++ });
    instances.push(me);
    return me;
  }

  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    for (const { feed, connection } of instances) {
      await feed.close();
      await connection.close();
    }
    await server.close();
  });

  it('delivers a client change and a key rotation to every instance, the publisher included', async () => {
    const [a, b] = [await instance(), await instance()];
    await a.feed.publish({ kind: 'client', clientId: 'app-1' });
    await b.feed.publish({ kind: 'keys' });
    await until(() => a.changes.length === 2 && b.changes.length === 2, 'both changes on both instances');
    for (const { changes } of [a, b]) assert.deepEqual(changes, [{ kind: 'client', clientId: 'app-1' }, { kind: 'keys' }]);
  });

  it('ignores and logs a message that is not a change, and keeps listening', async () => {
    const [a, b] = [await instance(), await instance()];
    for (const junk of ['not json', '{"kind":"client"}', '{"kind":"drop-tables"}', '{"kind":"client","clientId":""}']) {
      await a.connection.client.publish(CHANGE_CHANNEL, junk);
    }
    await a.feed.publish({ kind: 'client', clientId: 'after-junk' });
    await until(() => b.changes.length === 1, 'the valid change');
    assert.deepEqual(b.changes, [{ kind: 'client', clientId: 'after-junk' }]);
    assert.equal(b.logs.filter((line) => line.includes('malformed change message')).length, 4);
  });

  it('resyncs after its subscriber lost Redis, then receives changes again; publishing while down never throws', async () => {
    const [a, b] = [await instance(), await instance()];
    await server.stop();
    await a.feed.publish({ kind: 'client', clientId: 'lost' }); // resolves; the loss is logged
    assert.ok(a.logs.some((line) => line.includes('could not announce a change')), 'a failed announcement is logged');
    assert.equal(b.resyncs, 0);
    await server.start();
    await until(() => a.resyncs === 1 && b.resyncs === 1, 'a resync on both instances after the reconnect');
    // The subscription came back by itself.
    await until(() => a.connection.client.status === 'ready', 'the publisher to reconnect');
    await a.feed.publish({ kind: 'client', clientId: 'after-outage' });
    await until(() => b.changes.some((c) => c.kind === 'client' && c.clientId === 'after-outage'), 'a change after the outage');
    assert.ok(!b.changes.some((c) => c.kind === 'client' && c.clientId === 'lost'), 'a change published during the outage is lost (hence the resync)');
  });
});

import assert from 'node:assert/strict';
import { memoryCounters } from '../stores/memory-counters.js';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../observability/logger.js';
import { connectRedis, type RedisConnection } from '../stores/redis/redis.client.js';
import { redisCounters } from '../stores/redis/redis.counters.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { createLimits } from './limits.js';
import { DEFAULT_LIMIT_POLICY, limitPolicy } from './limit-policy.js';

/** One token request: the check, then the provider's verdict. */
async function request(limits: ReturnType<typeof createLimits>, clientId: string | undefined, ip: string, outcome: 'failed' | 'succeeded') {
  const check = await limits.tokenAuth.check(clientId, ip);
  if (check.limited) return check.limited;
  await check.settle(outcome);
  return undefined;
}

void describe('token endpoint client authentication limits (A14)', () => {
  void it('by default: 305 failures for a client from one address refuse that pair, never the client from another address', async () => {
    const limits = createLimits({ policy: limitPolicy(), counters: memoryCounters, exempt: [] });
    const outcomes = [];
    for (let i = 0; i < 305; i++) outcomes.push(await request(limits, 'victim', '203.0.113.5', 'failed'));
    const allowed = outcomes.filter((o) => o === undefined).length;
    assert.equal(allowed, DEFAULT_LIMIT_POLICY.tokenFailuresPerClientAndAddress.points);
    const refused = outcomes.at(-1)!;
    assert.ok(refused && refused.retryAfterSeconds > 0 && refused.retryAfterSeconds <= DEFAULT_LIMIT_POLICY.tokenFailuresPerClientAndAddress.blockSeconds!);
    assert.equal(await request(limits, 'victim', '198.51.100.5', 'succeeded'), undefined);
  });

  void it("never caps a client's successful requests", async () => {
    const limits = createLimits({ policy: limitPolicy(), counters: memoryCounters, exempt: [] });
    for (let i = 0; i < 2000; i++) assert.equal(await request(limits, 'popular', '198.51.100.6', 'succeeded'), undefined);
  });

  void it('refuses an address that sprays client ids, and only that address', async () => {
    const limits = createLimits({ policy: limitPolicy({ tokenFailuresPerAddress: { points: 10, durationSeconds: 60, blockSeconds: 120 } }), counters: memoryCounters, exempt: [] });
    for (let i = 0; i < 10; i++) assert.equal(await request(limits, `guess-${i}`, '203.0.113.6', 'failed'), undefined);
    assert.ok(await request(limits, 'anything', '203.0.113.6', 'succeeded'));
    assert.ok(await request(limits, undefined, '203.0.113.6', 'succeeded'), 'body-authenticated requests from that address too');
    assert.equal(await request(limits, 'anything', '203.0.113.7', 'succeeded'), undefined);
  });

  void it("a success clears the pair's earlier failures", async () => {
    const limits = createLimits({ policy: limitPolicy({ tokenFailuresPerClientAndAddress: { points: 3, durationSeconds: 60 } }), counters: memoryCounters, exempt: [] });
    await request(limits, 'app', '192.0.2.8', 'failed');
    await request(limits, 'app', '192.0.2.8', 'failed');
    await request(limits, 'app', '192.0.2.8', 'succeeded');
    await request(limits, 'app', '192.0.2.8', 'failed');
    await request(limits, 'app', '192.0.2.8', 'failed');
    assert.equal(await request(limits, 'app', '192.0.2.8', 'succeeded'), undefined);
  });

  void it('skips exempt addresses', async () => {
    const limits = createLimits({ policy: limitPolicy({ tokenFailuresPerClientAndAddress: { points: 1, durationSeconds: 60 } }), counters: memoryCounters, exempt: ['127.0.0.1'] });
    for (let i = 0; i < 5; i++) assert.equal(await request(limits, 'app', '127.0.0.1', 'failed'), undefined);
  });
});

void describe('token endpoint client authentication limits on Redis (shared by every instance)', () => {
  let server: RedisServer;
  let connection: RedisConnection;
  before(async () => {
    server = await startRedisServer();
    connection = await connectRedis(server.url, { timeoutMs: 2000, logger: createLogger('error', { silent: true }) });
  });
  after(async () => {
    await connection.close();
    await server.close();
  });

  void it('blocks the failing pair on the Redis counters, with its block time, and nothing else', async () => {
    const policy = limitPolicy({ tokenFailuresPerClientAndAddress: { points: 5, durationSeconds: 60, blockSeconds: 300 } });
    // Two instances on one Redis.
    const [one, two] = [createLimits({ policy, counters: redisCounters(connection.client), exempt: [] }), createLimits({ policy, counters: redisCounters(connection.client), exempt: [] })];
    for (let i = 0; i < 5; i++) assert.equal(await request(i % 2 ? one : two, 'victim', '203.0.113.9', 'failed'), undefined);
    const refused = await request(one, 'victim', '203.0.113.9', 'succeeded');
    assert.ok(refused && refused.retryAfterSeconds > 60 && refused.retryAfterSeconds <= 300, JSON.stringify(refused));
    assert.ok(await request(two, 'victim', '203.0.113.9', 'succeeded'));
    assert.equal(await request(two, 'victim', '198.51.100.9', 'succeeded'), undefined);
    for (let i = 0; i < 500; i++) assert.equal(await request(one, 'victim', '198.51.100.9', 'succeeded'), undefined);
  });
});

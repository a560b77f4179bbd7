import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createMetrics } from '../../observability/metrics.js';
import { watchSentinels } from './sentinel-metrics.js';

/** A TCP server on loopback; `answer` says what it replies to each command (nothing: a hung Sentinel). */
async function fakeSentinel(answer: string | undefined): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    // ioredis asks INFO first (its ready check), then the command: one reply per command.
    socket.on('data', (chunk) => {
      if (answer === undefined) return;
      const commands = chunk.toString().split('\r\n').filter((line) => line.startsWith('*')).length;
      for (let i = 0; i < commands; i++) socket.write(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('the Sentinel quorum gauge', () => {
  it('asks every Sentinel at once: a hung one does not hold the scrape for its timeout', async () => {
    const hung = await fakeSentinel(undefined);
    const healthy = await fakeSentinel('+OK 3 usable Sentinels. Quorum and failover authorization can be reached\r\n');
    const metrics = createMetrics({ maxClientLabels: 10 });
    const watch = watchSentinels({ name: 'portcullis', sentinels: [{ host: '127.0.0.1', port: hung.port }, { host: '127.0.0.1', port: healthy.port }] }, { metrics, timeoutMs: 3000 });
    try {
      const started = Date.now();
      const text = await metrics.registry.getSingleMetricAsString('portcullis_redis_sentinel_quorum_ok');
      assert.match(text, /portcullis_redis_sentinel_quorum_ok 1$/m);
      assert.ok(Date.now() - started < 2000, `the scrape took ${Date.now() - started} ms`);
    } finally {
      watch.close();
      hung.close();
      healthy.close();
    }
  });
});

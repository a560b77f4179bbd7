import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import winston from 'winston';
import { parseLogShipUrl, SyslogTcpTransport } from './syslog.transport.js';

/** A collector that decodes octet-counted RFC 5424 frames into their JSON messages. */
function collector(port = 0): Promise<{ port: number; messages: Record<string, unknown>[]; close(): Promise<void> }> {
  const messages: Record<string, unknown>[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(32);
        if (space < 0) break;
        const length = Number(buffer.subarray(0, space).toString());
        if (buffer.length < space + 1 + length) break;
        const frame = buffer.subarray(space + 1, space + 1 + length).toString();
        buffer = buffer.subarray(space + 1 + length);
        assert.match(frame, /^<\d+>1 \S+ \S+ portcullis \d+ - - /);
        messages.push(JSON.parse(frame.slice(frame.indexOf(' - - ') + 5)) as Record<string, unknown>);
      }
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({
    port: (server.address() as net.AddressInfo).port,
    messages,
    close: () => new Promise<void>((done) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => done());
    }),
  })));
}

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('syslog TCP transport', () => {
  it('parses syslog+tcp URLs and refuses others', () => {
    assert.deepEqual(parseLogShipUrl('syslog+tcp://127.0.0.1:5514'), { host: '127.0.0.1', port: 5514 });
    assert.throws(() => parseLogShipUrl('http://127.0.0.1:5514'));
  });

  it('ships JSON lines as RFC 5424 frames, queues while the collector is down, and reconnects', async () => {
    const first = await collector();
    const transport = new SyslogTcpTransport({ host: '127.0.0.1', port: first.port, reconnectMs: 50 });
    const logger = winston.createLogger({ format: winston.format.json(), transports: [transport] });
    logger.info('one', { requestId: 'r-1' });
    await until(() => first.messages.length === 1);
    assert.equal(first.messages[0]!.requestId, 'r-1');

    const port = first.port;
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    for (let i = 0; i < 100; i++) logger.info('while down', { i });
    assert.ok(Date.now() - started < 200, 'logging never waits for the collector');
    const second = await collector(port);
    await until(() => second.messages.filter((m) => m.message === 'while down').length === 100);
    transport.close();
    await second.close();
  });

  it('drops the oldest lines past its queue limit and says how many', () => {
    const transport = new SyslogTcpTransport({ host: '127.0.0.1', port: 1, maxQueued: 10, reconnectMs: 60_000 });
    const logger = winston.createLogger({ format: winston.format.json(), transports: [transport] });
    for (let i = 0; i < 25; i++) logger.info('line', { i });
    const queued = (transport as unknown as { queue: Buffer[] }).queue;
    assert.equal(queued.length, 10);
    assert.match(queued[0]!.toString(), /"i":15/);
    transport.close();
  });
});

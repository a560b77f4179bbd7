import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { closeGracefully, trackResponses } from './shutdown.js';

describe('graceful close', () => {
  it('lets an in-flight request finish with Connection: close and refuses new connections', async () => {
    let release: () => void = () => undefined;
    const server = http.createServer((_req, res) => {
      release = () => res.end('done');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    trackResponses([server]);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const inFlight = fetch(url);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = closeGracefully([server], 5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(fetch(url), 'a new connection is refused');
    release();
    const response = await inFlight;
    assert.equal(await response.text(), 'done');
    assert.equal(response.headers.get('connection'), 'close');
    assert.equal(await closing, true);
  });

  it('cuts what is still running after the drain limit', async () => {
    const server = http.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hanging = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    assert.equal(await closeGracefully([server], 200), false);
    assert.ok(Date.now() - started < 1000);
    assert.ok((await hanging) instanceof Error);
  });
});

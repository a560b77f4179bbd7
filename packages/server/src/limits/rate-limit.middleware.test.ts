import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { basicClientId, tokenEndpointLimit } from './rate-limit.middleware.js';
import type { Limits } from './limits.js';

async function serve(limits: Partial<Limits>) {
  const app = new Koa();
  app.use(tokenEndpointLimit(limits as Limits));
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

void describe('tokenEndpointLimit', () => {
  void it('keys on the Basic auth username, form-urlencoded per RFC 6749 §2.3.1', () => {
    assert.equal(basicClientId(`Basic ${Buffer.from('my%20client:secret').toString('base64')}`), 'my client');
    assert.equal(basicClientId('Bearer abc'), undefined);
    assert.equal(basicClientId(`Basic ${Buffer.from('nocolon').toString('base64')}`), undefined);
  });

  void it('answers 503 with Retry-After when the counters cannot be reached, not a 500', async () => {
    const server = await serve({ token: () => Promise.reject(new Error('Command timed out')) });
    try {
      const response = await fetch(`${server.url}/token`, { method: 'POST' });
      assert.equal(response.status, 503);
      assert.ok(response.headers.get('retry-after'));
      assert.equal(((await response.json()) as { error: string }).error, 'server_error');
      assert.equal((await fetch(`${server.url}/other`, { method: 'POST' })).status, 200, 'other paths are not counted');
    } finally {
      await server.close();
    }
  });
});

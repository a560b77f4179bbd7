import assert from 'node:assert/strict';
import { memoryCounters } from '../stores/memory-counters.js';
import { describe, it } from 'node:test';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { basicClientId, tokenEndpointLimit } from './rate-limit.middleware.js';
import { createLimits, type Limits } from './limits.js';
import { limitPolicy } from './limit-policy.js';

/** The middleware in front of a stand-in token endpoint that answers `answer(secret)`. */
async function serve(limits: Pick<Limits, 'tokenAuth'>, answer: (secret: string) => { status: number; html?: boolean } = () => ({ status: 200 })) {
  const app = new Koa();
  app.proxy = true;
  app.use(tokenEndpointLimit(limits as Limits));
  app.use((ctx) => {
    const secret = Buffer.from((ctx.get('authorization').split(' ')[1] ?? ''), 'base64').toString().split(':')[1] ?? '';
    const { status, html } = answer(secret);
    ctx.status = status;
    ctx.body = html ? '<p>invalid_client</p>' : status === 401 ? { error: 'invalid_client' } : { access_token: 'x' };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    post: (clientId: string, secret: string, address: string, accept = 'application/json') => fetch(`${url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'x-forwarded-for': address, accept },
    }),
    url,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

void describe('tokenEndpointLimit', () => {
  void it('keys on the Basic auth username, form-urlencoded per RFC 6749 §2.3.1', () => {
    assert.equal(basicClientId(`Basic ${Buffer.from('my%20client:secret').toString('base64')}`), 'my client');
    assert.equal(basicClientId('Bearer abc'), undefined);
    assert.equal(basicClientId(`Basic ${Buffer.from('nocolon').toString('base64')}`), undefined);
  });

  void it('answers 503 with Retry-After when the counters cannot be reached, not a 500', async () => {
    const server = await serve({ tokenAuth: { check: () => Promise.reject(new Error('Command timed out')) } });
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

  void it('counts 401s (JSON or HTML) per client and address, refuses that pair only, and never counts successes', async () => {
    const limits = createLimits({ policy: limitPolicy({ tokenFailuresPerClientAndAddress: { points: 3, durationSeconds: 60, blockSeconds: 60 } }), counters: memoryCounters, exempt: [] });
    const server = await serve(limits, (secret) => ({ status: secret === 'right' ? 200 : 401, html: secret === 'html' }));
    try {
      for (let i = 0; i < 50; i++) assert.equal((await server.post('app', 'right', '192.0.2.1')).status, 200);
      assert.equal((await server.post('app', 'wrong', '203.0.113.1')).status, 401);
      assert.equal((await server.post('app', 'html', '203.0.113.1', 'text/html')).status, 401);
      assert.equal((await server.post('app', 'wrong', '203.0.113.1')).status, 401);
      const refused = await server.post('app', 'right', '203.0.113.1');
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) > 50);
      assert.equal(((await refused.json()) as { error: string }).error, 'temporarily_unavailable');
      assert.equal((await server.post('app', 'right', '192.0.2.1')).status, 200, 'the same client from another address');
      assert.equal((await server.post('other-app', 'right', '203.0.113.1')).status, 200, 'another client from that address');
    } finally {
      await server.close();
    }
  });
});

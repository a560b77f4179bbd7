import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import Koa from 'koa';
import { providerDocuments } from './provider-documents.js';

/** A stand-in provider that counts how often it builds a document. */
async function serve() {
  const state = { provider: { generation: 1 }, builds: 0 };
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const app = new Koa();
  app.use(providerDocuments({ issuer: `http://127.0.0.1:${port}`, current: () => state.provider }));
  app.use((ctx) => {
    state.builds += 1;
    if (ctx.path === '/jwks') {
      ctx.type = 'application/jwk-set+json; charset=utf-8';
      ctx.body = { keys: [{ kid: `k${state.provider.generation}` }] };
    } else ctx.body = { issuer: ctx.origin, generation: state.provider.generation };
  });
  const handle = app.callback();
  server.on('request', (req, res) => void handle(req, res));
  // `host` other than the issuer's: the same server reached as localhost.
  const get = (path: string, headers: Record<string, string> = {}, host = '127.0.0.1') => fetch(`http://${host}:${port}${path}`, { headers });
  return { state, get, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('discovery and JWKS from precomputed bodies', () => {
  it('builds each document once per provider and answers with an ETag and Cache-Control', async () => {
    const s = await serve();
    try {
      const first = await s.get('/jwks');
      const second = await s.get('/jwks');
      assert.equal(first.status, 200);
      assert.deepEqual(await second.json(), { keys: [{ kid: 'k1' }] });
      assert.equal(second.headers.get('content-type'), 'application/jwk-set+json; charset=utf-8');
      assert.match(second.headers.get('etag') ?? '', /^"[\w-]+"$/);
      assert.equal(second.headers.get('etag'), first.headers.get('etag'));
      assert.equal(second.headers.get('cache-control'), 'public, max-age=60');
      assert.equal(s.state.builds, 1);
    } finally {
      await s.close();
    }
  });

  it('answers 304 to If-None-Match with the current tag, and 200 to a stale one', async () => {
    const s = await serve();
    try {
      const etag = (await s.get('/.well-known/openid-configuration')).headers.get('etag')!;
      const revalidated = await s.get('/.well-known/openid-configuration', { 'if-none-match': etag });
      assert.equal(revalidated.status, 304);
      assert.equal(revalidated.headers.get('etag'), etag);
      assert.equal((await s.get('/.well-known/openid-configuration', { 'if-none-match': '"stale"' })).status, 200);
    } finally {
      await s.close();
    }
  });

  it('serves the new documents as soon as the provider is rebuilt after a key rotation', async () => {
    const s = await serve();
    try {
      const before = await s.get('/jwks');
      const etag = before.headers.get('etag')!;
      s.state.provider = { generation: 2 };
      const after = await s.get('/jwks', { 'if-none-match': etag });
      assert.equal(after.status, 200);
      assert.deepEqual(await after.json(), { keys: [{ kid: 'k2' }] });
      assert.notEqual(after.headers.get('etag'), etag);
      assert.equal(s.state.builds, 2);
    } finally {
      await s.close();
    }
  });

  it('leaves CORS requests and other hosts to the provider', async () => {
    const s = await serve();
    try {
      await s.get('/jwks');
      await s.get('/jwks', { origin: 'https://rp.example' });
      const other = await s.get('/.well-known/openid-configuration', {}, 'localhost');
      assert.equal(other.headers.get('etag'), null);
      assert.equal(s.state.builds, 3);
    } finally {
      await s.close();
    }
  });
});

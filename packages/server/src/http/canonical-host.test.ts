import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { canonicalHost } from './canonical-host.js';

/** One request with a chosen Host header (fetch cannot set it); answers status, Location, body. */
async function send(app: Koa, method: string, path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; location?: string; body: string }> {
  const handle = app.callback();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host, ...headers } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, ...(res.headers.location && { location: res.headers.location }), body }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
}

function app(issuer: string, proxy = false): Koa {
  const koa = new Koa();
  koa.proxy = proxy;
  koa.use(async (ctx, next) => {
    ctx.state.nonce = 'n';
    await next();
  });
  koa.use(canonicalHost(issuer, (path) => path.startsWith('/page')));
  koa.use((ctx) => void (ctx.body = 'answered'));
  return koa;
}

describe('canonicalHost', () => {
  it('answers pages at the issuer host, with or without its default port', async () => {
    assert.equal((await send(app('http://localhost:3000'), 'GET', '/page', 'localhost:3000')).body, 'answered');
    assert.equal((await send(app('https://auth.example'), 'GET', '/page', 'AUTH.example:443')).body, 'answered');
  });

  it('redirects a page GET or HEAD at another host to the issuer, same path and query', async () => {
    const target = app('http://localhost:3000');
    assert.deepEqual(await send(target, 'GET', '/page/x?a=1&b=2', '127.0.0.1:3000').then((r) => [r.status, r.location]), [307, 'http://localhost:3000/page/x?a=1&b=2']);
    assert.equal((await send(target, 'HEAD', '/page', 'evil.example')).location, 'http://localhost:3000/page');
    // A path that looks like a host stays a path on the issuer.
    assert.equal((await send(target, 'GET', '//evil.example/page', 'evil.example')).location, undefined, 'not a page path: untouched');
    assert.equal((await send(target, 'GET', '/page//evil.example', 'evil.example')).location, 'http://localhost:3000/page//evil.example');
  });

  it('refuses other methods at another host with 421 naming the issuer', async () => {
    const answer = await send(app('http://localhost:3000'), 'POST', '/page', '127.0.0.1:3000');
    assert.equal(answer.status, 421);
    assert.match(answer.body, /http:\/\/localhost:3000/);
  });

  it('leaves machine paths alone, and follows X-Forwarded-Host only behind a trusted proxy', async () => {
    assert.equal((await send(app('http://localhost:3000'), 'POST', '/token', 'internal:8080')).body, 'answered');
    assert.equal((await send(app('https://auth.example', true), 'GET', '/page', 'app-1:3000', { 'x-forwarded-host': 'auth.example' })).body, 'answered');
    assert.equal((await send(app('https://auth.example'), 'GET', '/page', 'app-1:3000', { 'x-forwarded-host': 'auth.example' })).status, 307);
  });

  it('matches page paths case-insensitively, as the provider routes them: /PAGE at a foreign host is redirected too', async () => {
    const answer = await send(app('http://localhost:3000'), 'GET', '/PAGE/x?y=1', '127.0.0.1:3000');
    assert.equal(answer.status, 307);
    assert.equal(answer.location, 'http://localhost:3000/PAGE/x?y=1');
  });
});

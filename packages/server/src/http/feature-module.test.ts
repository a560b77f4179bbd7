import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { routerModule } from './feature-module.js';
import { interactionPaths, INTERACTION_PREFIX } from '../interactions/paths.js';

async function answer(app: Koa, path: string): Promise<{ status: number; body: string }> {
  const handle = app.callback();
  const server = createServer((req, res) => void handle(req, res)).listen(0);
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return { status: response.status, body: await response.text() };
  } finally {
    server.close();
  }
}

describe('routerModule', () => {
  it('tries its routers in order and keeps each route template', async () => {
    const first = new Router({ prefix: '/feature' });
    first.get('/one', (ctx) => void (ctx.body = `first ${String((ctx as { _matchedRoute?: unknown })._matchedRoute)}`));
    const second = new Router({ prefix: '/feature' });
    second.get('/one', (ctx) => void (ctx.body = 'second'));
    second.get('/items/:id', (ctx) => void (ctx.body = `second ${String((ctx as { _matchedRoute?: unknown })._matchedRoute)}`));
    const module = routerModule('/feature', first, second);
    const app = new Koa().use(module.routes);
    assert.equal(module.prefix, '/feature');
    assert.deepEqual(await answer(app, '/feature/one'), { status: 200, body: 'first /feature/one' });
    assert.deepEqual(await answer(app, '/feature/items/7'), { status: 200, body: 'second /feature/items/:id' });
    assert.equal((await answer(app, '/feature/none')).status, 404);
  });
});

describe('interactionPaths', () => {
  it('builds every interaction URL under one prefix, and the route templates from ":uid"', () => {
    const paths = interactionPaths('abc');
    assert.ok(Object.values(paths).every((path) => path === `${INTERACTION_PREFIX}/abc` || path.startsWith(`${INTERACTION_PREFIX}/abc/`)));
    assert.equal(interactionPaths(':uid').consent, '/interaction/:uid/consent');
  });
});

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Koa from 'koa';
import { currentBranding } from '../branding/branding-scope.js';
import { isMachinePath, pageContext } from './page-context.js';

describe('page context', () => {
  it('reads the branding for pages and discovery, never for the machine endpoints', async () => {
    const asked: string[] = [];
    const app = new Koa();
    app.use(async (ctx, next) => {
      asked.push(ctx.path);
      await next();
    });
    let reads = 0;
    app.use(pageContext({ branding: { current: () => Promise.resolve(void reads++).then(() => ({ productName: 'Acme ID' })) }, needsBranding: (path) => !isMachinePath(path) }));
    app.use((ctx) => {
      ctx.body = currentBranding().productName;
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const path of ['/token', '/token/introspection', '/TOKEN/revocation', '/jwks', '/me']) {
        assert.equal(await (await fetch(`${base}${path}`)).text(), 'Portcullis', path);
      }
      assert.equal(reads, 0, 'no settings read for a machine endpoint');
      for (const path of ['/auth', '/.well-known/openid-configuration', '/account', '/tokens']) {
        assert.equal(await (await fetch(`${base}${path}`)).text(), 'Acme ID', path);
      }
      assert.equal(reads, 4);
    } finally {
      server.close();
    }
  });
});

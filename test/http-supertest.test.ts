/**
 * The Koa apps driven in-process with supertest (no listener): routing, headers and hostile
 * input at the HTTP layer, quickly, against the real composition on in-memory PGlite.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { loadConfig } from '@portcullis/config';
import { createLogger, createPortcullis, type Portcullis } from '@portcullis/server';

describe('apps in-process (supertest)', () => {
  let app: Portcullis;
  let publicServer: ReturnType<Portcullis['publicApp']['callback']>;
  let adminServer: ReturnType<Portcullis['adminApp']['callback']>;
  const bearer = () => `Bearer ${app.adminToken}`;

  let dataDir: string;
  before(async () => {
    // A directory of its own: DATA_DIR is made private at start (secrets/data-dir.ts).
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-supertest-'));
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error', COOKIE_KEYS: 'k'.repeat(32), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), ADMIN_TOKEN: 'a'.repeat(40) });
    app = await createPortcullis(config, { inMemoryDatabase: true, logger: createLogger('error', { silent: true }) });
    publicServer = app.publicApp.callback();
    adminServer = app.adminApp.callback();
  });
  after(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves JWKS with public keys only', async () => {
    const response = await request(publicServer).get('/jwks').expect(200);
    assert.ok(response.body.keys.length >= 3);
    for (const key of response.body.keys) {
      for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[privatePart], undefined, `${key.kid} leaks ${privatePart}`);
    }
  });

  it('answers an unknown path with a 404 page carrying the security headers', async () => {
    const response = await request(publicServer).get('/no-such-page').expect(404);
    assert.match(response.headers['content-type'] ?? '', /html/);
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.match(response.headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    assert.doesNotMatch(response.text, /at .*\.(ts|js):\d+/);
  });

  it('answers an unknown interaction with a 4xx page, not a 500', async () => {
    // At the issuer's host: a page asked for at another name is first sent there (canonical-host.ts).
    const response = await request(publicServer).get('/interaction/unknown-uid').set('Host', new URL(app.config.issuer).host);
    assert.ok(response.status >= 400 && response.status < 500, String(response.status));
    assert.match(response.text, /role="alert"/);
  });

  it('refuses the admin API without the token and with a wrong one', async () => {
    await request(adminServer).get('/admin/clients').expect(401);
    await request(adminServer).get('/admin/clients').set('Authorization', 'Bearer wrong').expect(401);
    await request(adminServer).get('/admin/clients').set('Authorization', bearer()).expect(200);
  });

  it('answers an unsupported method with a JSON 405', async () => {
    const response = await request(adminServer).put('/admin/clients').set('Authorization', bearer()).send({}).expect(405);
    assert.equal(response.body.error, 'request.method_not_allowed');
  });

  it('answers hostile admin bodies with a 4xx and stores nothing', async () => {
    const count = async () => (await request(adminServer).get('/admin/clients').set('Authorization', bearer())).body.clients.length;
    const before = await count();
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const cases = [
      request(adminServer).post('/admin/clients').set('Authorization', bearer()).set('Content-Type', 'application/json').send('{not json'),
      request(adminServer).post('/admin/clients').set('Authorization', bearer()).set('Content-Type', 'application/json').send(deep),
      request(adminServer).post('/admin/clients').set('Authorization', bearer()).set('Content-Type', 'application/json').send(JSON.stringify({ client_name: 'x'.repeat(100_000) })),
      request(adminServer).post('/admin/clients').set('Authorization', bearer()).set('Content-Type', 'text/plain').send('client_name=x'),
      request(adminServer).post('/admin/clients').set('Authorization', bearer()).send({ client_name: "'; drop table clients; --", redirect_uris: ['javascript:alert(1)'] }),
    ];
    for (const pending of cases) {
      const response = await pending;
      assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}: ${response.text.slice(0, 200)}`);
      assert.equal(typeof response.body.error, 'string');
    }
    assert.equal(await count(), before);
  });
});

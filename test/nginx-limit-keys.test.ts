/**
 * Nginx's rate limits count an IPv6 client per /64 and an IPv4 client per address (SECURITY.md
 * A13, A14), as the app does (limits/client-address.ts). A throwaway Nginx (not the stack) loads
 * the production deploy/nginx/portcullis-http.conf, takes each request's address from X-Real-IP
 * (the realip module, trusted from loopback only) and limits it to one request a minute on the
 * production key: a second request under the same key is a 429.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, startNginx, type ThrowawayNginx } from './support/throwaway-nginx.js';


describe('Nginx limit keys (deploy/nginx/portcullis-http.conf)', () => {
  let nginx: ThrowawayNginx;
  let port: number;

  before(async () => {
    nginx = await startNginx({
      ready: { path: '/', headers: { 'x-real-ip': '192.0.2.99' } },
      http: (listen) => `
  access_log off;
  geo $portcullis_limit_exempt { default 0; 192.0.2.99 1; }
  include ${REPO_ROOT}/deploy/nginx/portcullis-http.conf;
  limit_req_zone $portcullis_limit_key zone=probe:1m rate=1r/m;
  server {
    listen 127.0.0.1:${listen};
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Real-IP;
    # limit_req runs before the content phase, so the answer comes from a content handler
    # (a return would skip it) that reads no file (workers may run as another user).
    location / { limit_req zone=probe; empty_gif; }
  }`,
    });
    ({ port } = nginx);
  });

  after(() => nginx.stop());

  const status = async (address: string) => (await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-real-ip': address } })).status;

  it('counts an IPv6 client by its /64', async () => {
    assert.equal(await status('2001:db8:1:2::1'), 200);
    assert.equal(await status('2001:db8:1:2:ffff:ffff:ffff:9'), 429, 'another address of the same /64');
    assert.equal(await status('2001:db8:1:3::1'), 200, 'the next /64 has its own budget');
  });

  it('counts an IPv4 client, and an IPv4-mapped IPv6 one, by its address', async () => {
    assert.equal(await status('203.0.113.1'), 200);
    assert.equal(await status('203.0.113.2'), 200);
    assert.equal(await status('203.0.113.1'), 429);
    assert.equal(await status('::ffff:198.51.100.1'), 200);
    assert.equal(await status('::ffff:198.51.100.2'), 200, 'not one bucket for every mapped address');
  });

  it('never counts an exempt peer', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await status('192.0.2.99'), 200);
  });
});

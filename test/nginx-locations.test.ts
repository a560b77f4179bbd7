/**
 * deploy/nginx/portcullis-locations.conf routes each endpoint into its rate-limit zone. A
 * throwaway Nginx (not the stack) loads the production portcullis-http.conf and
 * portcullis-locations.conf, as infra/local/nginx.sh does, in front of a stub upstream that
 * answers 200; each case comes from an address of its own (X-Real-IP, trusted from loopback only).
 * 60 requests at once: a 20 r/s zone with a burst of 40 refuses some (429), the global zone alone
 * (200 r/s, burst 400) none. Starting at all is `nginx -t` for the two files.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, startNginx, type ThrowawayNginx } from './support/throwaway-nginx.js';


describe('Nginx locations (deploy/nginx/portcullis-locations.conf)', () => {
  let nginx: ThrowawayNginx;
  let port: number;
  let upstream: Server;

  before(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    nginx = await startNginx({
      workerConnections: 1024,
      ready: { path: '/', headers: { 'x-real-ip': '192.0.2.250' } },
      http: (listen) => `
  access_log off;
  geo $portcullis_limit_exempt { default 0; }
  include ${REPO_ROOT}/deploy/nginx/portcullis-http.conf;
  upstream portcullis_app { server 127.0.0.1:${(upstream.address() as AddressInfo).port}; }
  server {
    listen 127.0.0.1:${listen};
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Real-IP;
    set $portcullis_host $host:$server_port;
    include ${REPO_ROOT}/deploy/nginx/portcullis-locations.conf;
  }`,
    });
    ({ port } = nginx);
  });

  after(async () => {
    await nginx.stop();
    await new Promise((resolve) => upstream.close(resolve));
  });

  /** How many of 60 simultaneous POSTs from `address` to `pathname` were refused with 429. */
  async function refused(pathname: string, address: string): Promise<number> {
    const statuses = await Promise.all(Array.from({ length: 60 }, () => fetch(`http://127.0.0.1:${port}${pathname}`, { method: 'POST', headers: { 'x-real-ip': address }, body: 'x=1' }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    })));
    assert.deepEqual([...new Set(statuses)].filter((s) => s !== 200 && s !== 429), [], pathname);
    return statuses.filter((s) => s === 429).length;
  }

  it('limits device authorization in the token zone, as /token', async () => {
    assert.ok((await refused('/device/auth', '203.0.113.10')) > 0);
    assert.ok((await refused('/token', '203.0.113.11')) > 0);
  });

  it('limits dynamic client registration in the registration zone, in any case and for a client path', async () => {
    assert.ok((await refused('/reg', '203.0.113.20')) > 0);
    assert.ok((await refused('/REG/abc', '203.0.113.21')) > 0);
  });

  it('leaves other paths to the global zone', async () => {
    assert.equal(await refused('/device', '203.0.113.30'), 0);
    assert.equal(await refused('/register-later', '203.0.113.31'), 0);
  });
});

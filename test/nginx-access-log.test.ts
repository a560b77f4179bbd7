/**
 * Nginx's access log never holds a link's token or a code (docs/production.md "Access logs"): a
 * throwaway Nginx (not the stack) loads the production deploy/nginx/portcullis-http.conf, logs
 * with its `portcullis` format, and answers every request itself; the test reads the log lines
 * of requests shaped like every link Portcullis mails or shows.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, startNginx, type ThrowawayNginx } from './support/throwaway-nginx.js';

const TOKEN = 'Zq3vN8xT1bYc5RkL0pWd7hJm2sQa9eUf4gHi6oKl_-A';

describe('Nginx access log (deploy/nginx/portcullis-http.conf)', () => {
  let nginx: ThrowawayNginx;
  let dir: string;
  let port: number;

  before(async () => {
    nginx = await startNginx({
      ready: { path: '/ready' },
      http: (listen, prefix) => `
  geo $portcullis_limit_exempt { default 1; }
  include ${REPO_ROOT}/deploy/nginx/portcullis-http.conf;
  server {
    listen 127.0.0.1:${listen};
    access_log ${prefix}/access.log portcullis;
    location / { empty_gif; }
  }`,
    });
    ({ dir, port } = nginx);
  });

  after(() => nginx.stop());

  /** The access log line of one request to `pathAndQuery` (tagged by a request id). */
  async function logged(pathAndQuery: string): Promise<string> {
    const rid = `probe-${Math.random().toString(36).slice(2, 12)}`;
    await fetch(`http://127.0.0.1:${port}${pathAndQuery}`, { headers: { 'x-request-id': rid } });
    for (let i = 0; i < 50; i++) {
      const line = (await readFile(path.join(dir, 'access.log'), 'utf8').catch(() => '')).split('\n').find((l) => l.includes(`rid=${rid}`));
      if (line) return line;
      await sleep(20);
    }
    throw new Error(`no log line for ${pathAndQuery}`);
  }

  it('logs a recovery link without its token', async () => {
    for (const purpose of ['reset', 'invite', 'email']) {
      const line = await logged(`/recover/${purpose}/${TOKEN}`);
      assert.ok(!line.includes(TOKEN), line);
      assert.match(line, new RegExp(`"GET /recover/${purpose}/\\[redacted\\] HTTP/1\\.1" 200`));
    }
    const doubled = await logged(`//recover//reset/${TOKEN}?x=1`);
    assert.ok(!doubled.includes(TOKEN), doubled);
  });

  it('logs the verification link, the device link and an end-session hint without their query', async () => {
    const cases = [
      `/interaction/abc123/verify-email?token=${TOKEN}`,
      `/device?user_code=BCDF-GHJK`,
      `/session/end?client_id=app&id_token_hint=${TOKEN}`,
      `/callback?state=s&code=${TOKEN}`,
    ];
    for (const request of cases) {
      const line = await logged(request);
      const secret = [...new URLSearchParams(request.split('?')[1]).values()].at(-1)!;
      assert.ok(!line.includes(secret), line);
      assert.ok(line.includes(`${request.split('?')[0]}?[redacted]`), line);
    }
  });

  it('logs other requests as they came', async () => {
    const line = await logged('/auth?client_id=app&response_type=code&code_challenge=abc&scope=openid');
    assert.ok(line.includes('"GET /auth?client_id=app&response_type=code&code_challenge=abc&scope=openid HTTP/1.1" 200'), line);
  });
});

/**
 * Nginx's access log never holds a link's token or a code (docs/production.md "Access logs"): a
 * throwaway Nginx (not the stack) loads the production deploy/nginx/portcullis-http.conf, logs
 * with its `portcullis` format, and answers every request itself; the test reads the log lines
 * of requests shaped like every link Portcullis mails or shows.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@portcullis/db/testing/free-port';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NGINX = '/usr/sbin/nginx';
const TOKEN = 'Zq3vN8xT1bYc5RkL0pWd7hJm2sQa9eUf4gHi6oKl_-A';

describe('Nginx access log (deploy/nginx/portcullis-http.conf)', () => {
  let dir: string;
  let port: number;
  let nginx: ChildProcess | undefined;

  before(async () => {
    assert.ok(existsSync(NGINX), `${NGINX} is missing: run scripts/system-packages.sh`);
    dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-nginx-log-'));
    port = await freePort();
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${dir}/${name};`).join('\n  ');
    await writeFile(path.join(dir, 'nginx.conf'), `
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_processes 1;
events { worker_connections 64; }
http {
  ${temp}
  geo $portcullis_limit_exempt { default 1; }
  include ${root}/deploy/nginx/portcullis-http.conf;
  server {
    listen 127.0.0.1:${port};
    access_log ${dir}/access.log portcullis;
    location / { empty_gif; }
  }
}
`);
    const checked = spawnSync(NGINX, ['-t', '-p', `${dir}/`, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`], { encoding: 'utf8' });
    assert.equal(checked.status, 0, `nginx -t: ${checked.stderr}`);
    nginx = spawn(NGINX, ['-p', `${dir}/`, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`, '-g', 'daemon off;'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false)) return;
      await sleep(50);
    }
    throw new Error(`nginx did not start: ${await readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '')}`);
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    if (nginx && nginx.exitCode === null) await new Promise((resolve) => nginx!.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  });

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

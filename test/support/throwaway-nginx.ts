/**
 * A throwaway Nginx (never the stack's) for tests of the production include files in
 * deploy/nginx: its own prefix directory under the system temp folder, a free loopback port,
 * `nginx -t` first (so a config the production files break fails with Nginx's own words), then
 * the server in the foreground until `stop()`. The caller writes the `http { … }` block's body
 * (given the port and the directory); the temp paths, pid file and error log are added here.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@portcullis/db/testing/free-port';

const NGINX = '/usr/sbin/nginx';

/** The repository's root, for `include ${REPO_ROOT}/deploy/nginx/…` lines. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ThrowawayNginx {
  port: number;
  /** Its prefix directory: logs written there are read by the test. */
  dir: string;
  stop(): Promise<void>;
}

export async function startNginx(options: {
  /** The body of the `http` block, given the port to listen on and the prefix directory. */
  http: (port: number, dir: string) => string;
  /** A request that answers 2xx once Nginx serves (path and headers). */
  ready: { path: string; headers?: Record<string, string> };
  workerConnections?: number;
}): Promise<ThrowawayNginx> {
  assert.ok(existsSync(NGINX), `${NGINX} is missing: run scripts/system-packages.sh`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-nginx-'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${dir}/${name};`).join('\n  ');
  await writeFile(path.join(dir, 'nginx.conf'), `
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_processes 1;
events { worker_connections ${options.workerConnections ?? 64}; }
http {
  ${temp}
  ${options.http(port, dir)}
}
`);
  const args = ['-p', `${dir}/`, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`];
  const checked = spawnSync(NGINX, ['-t', ...args], { encoding: 'utf8' });
  assert.equal(checked.status, 0, `nginx -t: ${checked.stderr}`);
  const nginx = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: 'ignore' });
  const stop = async () => {
    nginx.kill('SIGTERM');
    if (nginx.exitCode === null) await new Promise((resolve) => nginx.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}${options.ready.path}`, { headers: options.ready.headers }).then((r) => r.ok, () => false)) return { port, dir, stop };
    await sleep(50);
  }
  const log = await readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
  await stop();
  throw new Error(`nginx did not start: ${log}`);
}

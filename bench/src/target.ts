/**
 * What the bench measures: an embedded server it starts itself (a child process, PGlite in
 * memory, limits lifted), or the local production stack (brought up when it is not, measured
 * through Nginx, CPU time of the app instances).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@portcullis/db/testing/free-port';

export interface Target {
  mode: 'embedded' | 'stack';
  /** Where the server's mail lands: DATA_DIR/mail (embedded) or the stack's SMTP sink directory. */
  mailDir: string;
  issuer: string;
  /** Where requests go: the issuer itself, or Nginx's address for the stack. */
  baseUrl: string;
  adminUrl: string;
  /** Every instance's admin listener (its /metrics). */
  adminUrls: string[];
  adminToken: string;
  /** The server processes whose CPU time counts (each with its descendants). */
  serverPids(): number[];
  instances: number;
  /** The stack's Redis, for the per-session memory figure. */
  redisUrl?: string;
  close(): Promise<void>;
}

export const ROOT = path.resolve(import.meta.dirname, '../..');


export async function startEmbedded(options: { cpuProfDir?: string } = {}): Promise<Target> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-'));
  const nodeArgs = ['--import', 'tsx', ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []), path.join(ROOT, 'bench/src/bench-server.ts')];
  const child: ChildProcess = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), ADMIN_PORT: String(adminPort), DATA_DIR: dataDir, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<{ issuer: string; adminToken: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{"ready"')) resolve(JSON.parse(line) as { issuer: string; adminToken: string });
    });
  });
  return {
    mode: 'embedded',
    mailDir: path.join(dataDir, 'mail'),
    issuer: ready.issuer,
    baseUrl: ready.issuer,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    adminUrls: [`http://127.0.0.1:${adminPort}`],
    adminToken: ready.adminToken,
    serverPids: () => [child.pid!],
    instances: 1,
    async close() {
      // SIGTERM lets the server close cleanly, which is also when --cpu-prof writes its profile.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function stackEnv(): Record<string, string> {
  const out = spawnSync('bash', ['infra/local/stack.sh', 'env'], { cwd: ROOT, encoding: 'utf8' });
  const env: Record<string, string> = {};
  for (const line of out.stdout.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1');
  }
  return env;
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Restarts every app instance of the stack, with NODE_OPTIONS when given (empty: plain). */
function restartStackApps(instances: number, nodeOptions: string): void {
  for (let i = 1; i <= instances; i++) {
    for (const verb of ['stop-app', 'start-app']) {
      const run = spawnSync('bash', ['infra/local/stack.sh', verb, String(i)], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, STACK_APP_NODE_OPTIONS: nodeOptions } });
      if (run.status !== 0) throw new Error(`stack.sh ${verb} ${i} failed`);
    }
  }
}

/**
 * The local production stack, brought up first when Nginx does not answer. With `cpuProfDir`
 * its app instances are restarted under --cpu-prof and restarted plainly at close, which is when
 * (on SIGTERM) each writes its profile.
 */
export async function useStack(options: { cpuProfDir?: string } = {}): Promise<Target> {
  let env = stackEnv();
  const discovery = (e: Record<string, string>) => `${e.STACK_NGINX_URL}/.well-known/openid-configuration`;
  if (!env.STACK_NGINX_URL || !(await reachable(discovery(env)))) {
    console.error('bench: bringing the local stack up (bash infra/local/stack.sh up)');
    const up = spawnSync('bash', ['infra/local/stack.sh', 'up'], { cwd: ROOT, stdio: 'inherit' });
    if (up.status !== 0) throw new Error('the local stack did not come up');
    env = stackEnv();
  }
  const appDir = path.join(env.STACK_DIR ?? path.join(ROOT, '.stack'), 'app');
  const pids = () => readdirSync(appDir).filter((f) => /^app-\d+\.pid$/.test(f)).map((f) => Number(readFileSync(path.join(appDir, f), 'utf8').trim()));
  const instances = pids().length;
  if (options.cpuProfDir) restartStackApps(instances, `--cpu-prof --cpu-prof-dir=${options.cpuProfDir}`);
  return {
    mode: 'stack',
    mailDir: env.STACK_SMTP_DIR ?? path.join(env.STACK_DIR ?? path.join(ROOT, '.stack'), 'smtp', 'messages'),
    issuer: env.STACK_ISSUER!,
    baseUrl: env.STACK_NGINX_URL!,
    adminUrl: env.STACK_ADMIN_URLS!.split(',')[0]!,
    adminUrls: env.STACK_ADMIN_URLS!.split(','),
    adminToken: env.STACK_ADMIN_TOKEN!,
    serverPids: pids,
    instances,
    redisUrl: env.STACK_REDIS_URL,
    close: () => Promise.resolve(options.cpuProfDir ? restartStackApps(instances, '') : undefined),
  };
}

/**
 * A throwaway `redis-server` for tests (Debian package `redis-server`, installed by
 * scripts/system-packages.sh): its own free loopback port and temporary directory, no
 * persistence. Tests can stop and restart it on the same port (an outage followed by recovery)
 * or freeze it with SIGSTOP (a Redis that accepts connections but answers nothing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@portcullis/db/testing/free-port';

const BINARY = '/usr/bin/redis-server';

export interface RedisServer {
  url: string;
  port: number;
  /** Starts it again on the same port after `stop()`. */
  start(): Promise<void>;
  /** Shuts it down (data is lost: there is no persistence). */
  stop(): Promise<void>;
  /** SIGKILL: gone at once, without a word to its replicas or clients. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open, nothing is answered. */
  freeze(): void;
  /** SIGCONT after `freeze()`. */
  thaw(): void;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}


/** Resolves when a raw PING on the port is answered with PONG. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** `args`: extra redis-server arguments, e.g. `['--replicaof', '127.0.0.1', '6379']` for a replica. */
export async function startRedisServer(options: { args?: string[] } = {}): Promise<RedisServer> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run \`bash scripts/system-packages.sh\` (Debian package redis-server)`);
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-redis-'));
  let child: ChildProcess | undefined;
  let frozen = false;

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', path.join(dir, 'redis.log'), ...(options.args ?? [])];
    child = spawn(BINARY, args, { stdio: 'ignore' });
    const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`redis-server exited (${code}); see ${dir}/redis.log`))));
    exited.catch(() => undefined);
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await Promise.race([answersPing(port), exited])) return;
      await sleep(50);
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    if (frozen) running.kill('SIGCONT');
    frozen = false;
    running.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async kill() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    freeze() {
      frozen = true;
      child?.kill('SIGSTOP');
    },
    thaw() {
      frozen = false;
      child?.kill('SIGCONT');
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

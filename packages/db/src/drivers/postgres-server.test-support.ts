/**
 * A throwaway PostgreSQL server for driver tests (Debian package `postgresql`, installed by
 * scripts/system-packages.sh): initdb into a temporary directory, trust auth on loopback only,
 * a free port, no fsync. PostgreSQL refuses to run as root, so as root its programs run as
 * the `postgres` system user the package creates.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from '../testing/free-port.js';

const run = promisify(execFile);

export interface PostgresServer {
  url: string;
  close(): Promise<void>;
}

async function binDir(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql').catch(() => [])).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('PostgreSQL is missing: run `bash scripts/system-packages.sh` (Debian package postgresql)');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}


/** As root, PostgreSQL's programs run as the `postgres` user, which must own the directory. */
async function serviceUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = await binDir();
  const user = await serviceUser();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { ...user, cwd: dir });
  const port = await freePort();
  const settings = ['-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off', '-c', 'max_connections=50'];
  const child: ChildProcess = spawn(path.join(bin, 'postgres'), ['-D', data, ...settings], { ...user, cwd: dir, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  for (let attempt = 0; ; attempt++) {
    try {
      await run(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
      break;
    } catch (error) {
      if (attempt > 100 || child.exitCode !== null || child.signalCode !== null) throw new Error(`PostgreSQL did not start on port ${port}`, { cause: error });
      await sleep(100);
    }
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async close() {
      child.kill('SIGINT'); // fast shutdown: ends open sessions
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

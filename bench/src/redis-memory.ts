/**
 * Stack only: what one signed-in session costs in Redis, from MEMORY USAGE over a sample of
 * the live keys (redis-cli, so the bench needs no Redis client of its own). A session is its
 * Session record, its uid index, and the Grant it holds for the client it signed in to.
 */
import { spawnSync } from 'node:child_process';

const PREFIX = 'portcullis:oidc:';

function cli(url: string, args: string[]): string {
  const out = spawnSync('redis-cli', ['-u', url, '--no-raw', ...args], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`redis-cli ${args[0]}: ${out.stderr}`);
  return out.stdout;
}

function averageUsage(url: string, pattern: string, sample: number): { keys: number; bytes: number } {
  const keys = spawnSync('redis-cli', ['-u', url, '--scan', '--pattern', pattern], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).slice(0, sample);
  if (keys.length === 0) return { keys: 0, bytes: 0 };
  const sizes = keys.map((key) => Number(/\d+/.exec(cli(url, ['MEMORY', 'USAGE', key, 'SAMPLES', '0']))?.[0] ?? 0));
  return { keys: keys.length, bytes: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) };
}

export interface SessionMemory {
  session: number;
  sessionUidIndex: number;
  grant: number;
  perSession: number;
  sampled: number;
}

export function sessionMemory(redisUrl: string, sample = 200): SessionMemory {
  const session = averageUsage(redisUrl, `${PREFIX}Session:*`, sample);
  const uid = averageUsage(redisUrl, `${PREFIX}index:Session:uid:*`, sample);
  const grant = averageUsage(redisUrl, `${PREFIX}Grant:*`, sample);
  return { session: session.bytes, sessionUidIndex: uid.bytes, grant: grant.bytes, perSession: session.bytes + uid.bytes + grant.bytes, sampled: session.keys };
}

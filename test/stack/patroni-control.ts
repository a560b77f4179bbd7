/**
 * What the failover drills ask of the PostgreSQL members directly, bypassing the app: each
 * member's role as Patroni reports it (REST /cluster), whether its server is in recovery, and
 * whether it acknowledges a write of its own.
 */
import pg from 'pg';
import { stackEnv } from '../support/test-server.js';
import { query, waitFor } from './stack-control.js';

export interface Member {
  name: string;
  role: string;
  state: string;
  timeline?: number;
}

const memberUrls = () => stackEnv('STACK_PG_MEMBER_URLS').split(',');
const patroniUrls = () => stackEnv('STACK_PATRONI_URLS').split(',');
export const memberNames = () => memberUrls().map((_, i) => `pg${i}`);
export const memberUrl = (name: string) => memberUrls()[Number(name.replace(/^pg/, ''))]!;

/** The cluster as the first Patroni that answers sees it. */
export async function members(): Promise<Member[]> {
  for (const url of patroniUrls()) {
    try {
      const response = await fetch(`${url}/cluster`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return ((await response.json()) as { members: Member[] }).members;
    } catch {
      // this member's REST API is down or frozen: ask the next one
    }
  }
  throw new Error('no Patroni REST API answers');
}

export async function leader(): Promise<string | undefined> {
  return (await members()).find((m) => m.role === 'leader' && m.state === 'running')?.name;
}

export async function waitForLeaderOtherThan(name: string, timeoutMs: number): Promise<string> {
  let found: string | undefined;
  await waitFor(`a primary other than ${name}`, async () => {
    found = await leader();
    return found !== undefined && found !== name;
  }, timeoutMs);
  return found!;
}

/** Waits until `name` runs as a replica again (Patroni role replica or sync_standby, and in recovery). */
export async function waitForReplica(name: string, timeoutMs: number): Promise<void> {
  await waitFor(`${name} to rejoin as a replica`, async () => {
    const member = (await members()).find((m) => m.name === name);
    if (!member || member.role === 'leader' || !['running', 'streaming'].includes(member.state)) return false;
    return (await inRecovery(name)) === true;
  }, timeoutMs);
}

/** pg_is_in_recovery() on one member; undefined when it does not answer within a second. */
export async function inRecovery(name: string): Promise<boolean | undefined> {
  try {
    const rows = await withDeadline(query<{ r: boolean }>(memberUrl(name), 'select pg_is_in_recovery() as r'), 1500);
    return rows[0]?.r;
  } catch {
    return undefined;
  }
}

const PROBE_TABLE = 'stack_drill_probe';

export async function createProbeTable(primaryUrl: string): Promise<void> {
  await query(primaryUrl, `create table if not exists ${PROBE_TABLE} (id bigserial primary key, member text not null, at timestamptz not null default now())`);
}
export async function dropProbeTable(primaryUrl: string): Promise<void> {
  await query(primaryUrl, `drop table if exists ${PROBE_TABLE}`);
}

/**
 * Whether `name` acknowledges a write of its own within `ms`: an insert committed directly on
 * that server. A commit that waits for a synchronous standby that has gone is not acknowledged;
 * the client gives up without cancelling (a cancelled wait would report the local commit as a
 * success with a warning, which is exactly what must not count as acknowledged).
 */
export async function acknowledgesWrite(name: string, ms = 1500): Promise<boolean> {
  const connection = new pg.Client({ connectionString: memberUrl(name), connectionTimeoutMillis: ms });
  let warned = false;
  connection.on('notice', (notice) => {
    if (/synchronous replication/i.test(notice.message ?? '')) warned = true;
  });
  connection.on('error', () => undefined);
  try {
    await withDeadline(connection.connect(), ms);
    await withDeadline(connection.query(`insert into ${PROBE_TABLE} (member) values ($1)`, [name]), ms);
    return !warned;
  } catch {
    return false;
  } finally {
    // Not end(): that waits for the server, which may never answer.
    (connection as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  promise.catch(() => undefined);
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

/**
 * Drives the local production stack from the topology and fault tests: control verbs of
 * infra/local/stack.sh, HAProxy's view of the members, direct SQL on one server, and polling.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stackEnv } from '../support/test-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a stack verb (they wait until the change took effect) and fails loudly if it fails. */
export function stack(verb: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['infra/local/stack.sh', verb, ...args], { cwd: root, timeout: 90_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`stack ${verb} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** A fault verb's answer: the member it acted on and when (kill-primary, switchover, partition-primary). */
export async function fault(verb: 'kill-primary' | 'switchover' | 'partition-primary'): Promise<{ member: string; at: number }> {
  const [member, at] = (await stack(verb)).trim().split(/\s+/);
  if (!member || !Number.isFinite(Number(at))) throw new Error(`stack ${verb} printed no member and time`);
  return { member, at: Number(at) };
}

export const replicaUrls = () => stackEnv('STACK_REPLICA_URLS').split(',');
export const adminUrls = () => stackEnv('STACK_ADMIN_URLS').split(',');
export const publicUrls = () => stackEnv('STACK_PUBLIC_URLS').split(',');

/** One query on one server, over a short-lived direct connection. */
export async function query<T extends Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** HAProxy's state (UP, DOWN, …) of every server in one pool (default: the read pool), by name. */
export async function haproxyStates(pool: 'pg_read' | 'pg_write' = 'pg_read'): Promise<Record<string, string>> {
  const csv = await (await fetch(`${stackEnv('STACK_HAPROXY_STATS_URL')};csv`)).text();
  const [header, ...rows] = csv.trim().split('\n');
  const columns = header!.replace(/^# /, '').split(',');
  const at = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
  const states: Record<string, string> = {};
  for (const row of rows.map((r) => r.split(','))) {
    const name = at(row, 'svname');
    if (at(row, 'pxname') === pool && name !== 'FRONTEND' && name !== 'BACKEND') states[name] = at(row, 'status');
  }
  return states;
}

export async function waitFor(label: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs `task` for 0..count-1, at most `width` at a time; returns the results in order. */
export async function inParallel<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}

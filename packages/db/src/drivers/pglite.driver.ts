/**
 * Embedded PostgreSQL (PGlite, PostgreSQL compiled to WASM) behind Kysely's PostgreSQL dialect.
 * - PGlite is a single connection, so the pool below hands it to one caller at a time: a Kysely
 *   transaction holds it until it commits, and no other query can interleave with it.
 * - The same migrations run here and on a real server, so embedded mode is not a second schema.
 * - PGlite's file layer creates every file 0666 (the umask does not apply). What keeps other
 *   users out is DATA_DIR's own 0700 (the server checks it at start); the files are made
 *   owner-only at open and after a clean close as well, so the data at rest, or a copy of it, is
 *   never world-readable.
 */
import { chmod, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { PortcullisPostgresDialect } from './postgres-dialect.js';
import type { Database } from '../database.js';
import type { DB } from '../schema.js';

interface PoolClient {
  query(sql: string, parameters: readonly unknown[]): Promise<{ command: string; rowCount: number; rows: unknown[] }>;
  release(): void;
}

function createSerialPool(pg: PGlite) {
  let tail: Promise<void> = Promise.resolve();
  return {
    async connect(): Promise<PoolClient> {
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => (release = resolve));
      await previous;
      let released = false;
      return {
        async query(sql, parameters) {
          const result = await pg.query(sql, parameters as unknown[]);
          const affected = result.affectedRows ?? 0;
          return { command: (result as { command?: string }).command ?? 'SELECT', rowCount: affected || result.rows.length, rows: result.rows };
        },
        release() {
          if (!released) {
            released = true;
            release();
          }
        },
      };
    },
    async end() {
      await tail;
    },
  };
}

/** Directories 0700 and files 0600, all the way down (no symlinks are followed). */
export async function makeOwnerOnly(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeOwnerOnly(entryPath);
    else if (entry.isFile()) await chmod(entryPath, 0o600);
  }
}

/** Opens PGlite in `dataDir` (or in memory when `dataDir` is undefined). */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const pg = dataDir ? new PGlite(dataDir) : new PGlite();
  await pg.waitReady;
  if (dataDir) await makeOwnerOnly(dataDir);
  const primary = new Kysely<DB>({ dialect: new PortcullisPostgresDialect({ pool: createSerialPool(pg) as never }) });
  return {
    primary,
    reader: primary,
    engine: 'pglite',
    async probe() {
      // One engine in this process: the reader is the primary.
      await sql`select 1`.execute(primary);
    },
    async close() {
      await primary.destroy();
      await pg.close();
      // Files made since the open (tables created by migrations) are 0666 too.
      if (dataDir) await makeOwnerOnly(dataDir);
    },
  };
}

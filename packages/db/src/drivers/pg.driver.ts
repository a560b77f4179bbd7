/**
 * PostgreSQL over the network through `pg` pools: one pool for the primary (writes, through
 * PgBouncer in production) and one for reads (through HAProxy to the replicas).
 * - Every connection sets statement and lock timeouts, so a stuck dependency fails a request
 *   quickly instead of hanging it.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.js';
import type { DB } from '../schema.js';

export interface PgOptions {
  url: string;
  readUrl?: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

function createPool(url: string, options: PgOptions): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    statement_timeout: options.statementTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
  });
}

export function openPostgres(options: PgOptions): Database {
  const primaryPool = createPool(options.url, options);
  const primary = new Kysely<DB>({ dialect: new PostgresDialect({ pool: primaryPool }) });
  const separateReader = options.readUrl !== undefined && options.readUrl !== options.url;
  const reader = separateReader
    ? new Kysely<DB>({ dialect: new PostgresDialect({ pool: createPool(options.readUrl!, options) }) })
    : primary;
  return {
    primary,
    reader,
    engine: 'postgres',
    async close() {
      await primary.destroy();
      if (separateReader) await (reader).destroy();
    },
  };
}

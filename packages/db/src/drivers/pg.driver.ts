/**
 * PostgreSQL over the network through `pg` pools: one pool for the primary (writes, through
 * PgBouncer in production) and one for reads (through HAProxy to the replicas).
 * - Fail fast: getting a connection is bounded by `connectTimeoutMs` (a new one, or a free slot
 *   in a full pool), and every query by a client-side `queryTimeoutMs`. No `statement_timeout`
 *   startup parameter: PgBouncer in transaction mode refuses it; the server-side limit is a
 *   role-level setting made by the infrastructure scripts.
 * - A connection whose query timed out is closed instead of going back to the pool: the
 *   server may still be working on that query, and the next borrower would wait behind it.
 * - A connection that ends while lent out (a failover) fails its query, never the process.
 * - The reader falls back to the primary while the replicas cannot be reached, and tries the
 *   replicas again after `READER_RETRY_MS`: reads then cost the primary some load instead of
 *   failing (readiness reports this as `fallback`).
 */
import { Kysely, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import { PortcullisPostgresDialect } from './postgres-dialect.js';
import pg from 'pg';
import type { Database, PoolStats, QueryObserver } from '../database.js';
import type { DB } from '../schema.js';

export interface PgOptions {
  url: string;
  readUrl?: string;
  /** Connections in the primary pool (default 10). */
  poolSize?: number;
  /** Connections in the reader pool (default 10). */
  readPoolSize?: number;
  /** Client-side limit on one query, in ms (default 5000). */
  queryTimeoutMs?: number;
  /** Limit on getting a connection, in ms (default 3000). */
  connectTimeoutMs?: number;
  /** Told when reads move to the primary because the reader could not be reached. */
  onReaderFallback?: (error: unknown) => void;
  /** Told the duration of every query, by handle (metrics). */
  onQuery?: QueryObserver;
}

/** How long reads stay on the primary after the reader failed to connect. */
export const READER_RETRY_MS = 5000;

/** pg's message for a query that outlived `query_timeout`. */
const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';

function createPool(url: string, size: number, options: PgOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    query_timeout: options.queryTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    // Notice a dead peer on an idle connection instead of handing it out.
    keepAlive: true,
  });
  // An idle client whose server went away is removed by the pool, which then emits 'error';
  // without a listener that would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Hands out pool clients that are destroyed, not reused, once one of their queries timed out. */
function dropTimedOut(pool: pg.Pool): PostgresPool {
  return {
    options: pool.options,
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let timedOut: Error | undefined;
      // While a client is lent out the pool does not listen for its errors; a connection that
      // ends then (PgBouncer dropping it during a database failover) emits 'error', which
      // without a listener would crash the process. The error also fails the query in flight;
      // here it only marks the connection as not reusable.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      const wrapped = {
        get processID() {
          return (client as { processID?: number }).processID;
        },
        async query(text: string, parameters: readonly unknown[]) {
          try {
            return await client.query(text, parameters as unknown[]);
          } catch (error) {
            if (error instanceof Error && error.message === QUERY_TIMEOUT_MESSAGE) timedOut = error;
            throw error;
          }
        },
        release(destroy?: boolean) {
          client.removeListener('error', onError);
          client.release(timedOut ?? broken ?? destroy);
        },
      };
      return wrapped as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/** The reader's pool, borrowing from the primary's while the reader cannot be reached. */
function withPrimaryFallback(reader: PostgresPool, primary: PostgresPool, onFallback?: (error: unknown) => void): PostgresPool {
  let primaryUntil = 0;
  return {
    options: reader.options,
    async connect() {
      if (Date.now() < primaryUntil) return primary.connect();
      try {
        return await reader.connect();
      } catch (error) {
        primaryUntil = Date.now() + READER_RETRY_MS;
        onFallback?.(error);
        return primary.connect();
      }
    },
    end: () => reader.end(),
  };
}

const kysely = (pool: PostgresPool, handle: 'primary' | 'reader', onQuery?: QueryObserver) =>
  new Kysely<DB>({
    dialect: new PortcullisPostgresDialect({ pool }),
    ...(onQuery && { log: (event) => onQuery(handle, event.queryDurationMillis, event.level === 'error') }),
  });

const statsOf = (handle: PoolStats['handle'], pool: pg.Pool): PoolStats => ({ handle, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });

export function openPostgres(options: PgOptions): Database {
  const rawPrimary = createPool(options.url, options.poolSize ?? 10, options);
  const primaryPool = dropTimedOut(rawPrimary);
  const primary = kysely(primaryPool, 'primary', options.onQuery);
  const separateReader = options.readUrl !== undefined && options.readUrl !== options.url;
  const rawReader = separateReader ? createPool(options.readUrl!, options.readPoolSize ?? 10, options) : undefined;
  const readerPool = rawReader ? dropTimedOut(rawReader) : undefined;
  // Readiness probes the reader's own pool (no fallback), to tell "reader down" from "all fine".
  const readerProbe = readerPool ? kysely(readerPool, 'reader') : primary;
  const reader = readerPool ? kysely(withPrimaryFallback(readerPool, primaryPool, options.onReaderFallback), 'reader', options.onQuery) : primary;
  return {
    primary,
    reader,
    engine: 'postgres',
    async probe(target) {
      await sql`select 1`.execute(target === 'primary' ? primary : readerProbe);
    },
    poolStats: () => [statsOf('primary', rawPrimary), ...(rawReader ? [statsOf('reader', rawReader)] : [])],
    async close() {
      // The fallback reader shares the primary's pool, so destroying it ends the reader pool only.
      if (readerPool) await reader.destroy();
      await primary.destroy();
    },
  };
}

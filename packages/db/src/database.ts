/**
 * The database object every repository receives.
 * - `primary` takes writes, transactions, and every read that must see its own write.
 * - `reader` is read-only by type (only `selectFrom`), for reads that tolerate replica lag. Until
 *   replicas are configured it is the primary itself.
 */
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

export type PrimaryDb = Kysely<DB>;
export type ReaderDb = Pick<Kysely<DB>, 'selectFrom'>;

export interface Database {
  primary: PrimaryDb;
  reader: ReaderDb;
  /** Which engine backs this database; embedded PGlite serialises all access. */
  engine: 'pglite' | 'postgres';
  /**
   * Runs `select 1` on the primary or on the reader itself, never through the reader's
   * fallback to the primary: readiness uses it to tell "reader down" from "all fine".
   */
  probe(target: 'primary' | 'reader'): Promise<void>;
  /** Connection-pool state per handle, for metrics; absent for PGlite (one connection). */
  poolStats?(): PoolStats[];
  close(): Promise<void>;
}

export interface PoolStats {
  handle: 'primary' | 'reader';
  /** Connections open, idle among them, and callers waiting for one. */
  total: number;
  idle: number;
  waiting: number;
}

/** Told after every SQL query (production mode): which handle, how long, whether it failed. */
export type QueryObserver = (handle: 'primary' | 'reader', durationMs: number, failed: boolean) => void;

/**
 * A lag-tolerant read that must still see a row written a moment ago: the reader first, the
 * primary only when the row has not reached the replica yet (read-your-writes on a miss).
 */
export async function readerThenPrimary<T>(db: Pick<Database, 'reader' | 'primary'>, read: (handle: ReaderDb) => Promise<T | undefined>): Promise<T | undefined> {
  return (await read(db.reader)) ?? read(db.primary);
}

/** PostgreSQL's SQLSTATE for a unique violation, raised by both pg and PGlite. */
export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

/** Opens the database the configuration asks for: PostgreSQL in production, PGlite embedded. */
import path from 'node:path';
import type { Config } from '@portcullis/config';
import type { Database, QueryObserver } from './database.js';
import { openPglite } from './drivers/pglite.driver.js';
import { openPostgres } from './drivers/pg.driver.js';

export interface OpenOptions {
  /** Embedded mode: keep PGlite in memory instead of DATA_DIR (tests). */
  inMemory?: boolean;
  /** Production mode: told when reads move to the primary because the reader is unreachable. */
  onReaderFallback?: (error: unknown) => void;
  /** Production mode: told the duration of every query (metrics). */
  onQuery?: QueryObserver;
}

export async function openDatabase(config: Pick<Config, 'mode' | 'database' | 'dataDir'>, options: OpenOptions = {}): Promise<Database> {
  const { url, readUrl, poolSize, readPoolSize, timeoutMs, connectTimeoutMs } = config.database;
  if (config.mode === 'production' && url) {
    return openPostgres({
      url,
      readUrl,
      poolSize,
      readPoolSize,
      queryTimeoutMs: timeoutMs,
      connectTimeoutMs,
      onReaderFallback: options.onReaderFallback,
      onQuery: options.onQuery,
    });
  }
  return openPglite(options.inMemory ? undefined : path.join(config.dataDir, 'pglite'));
}

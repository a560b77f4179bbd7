/** Opens the database the configuration asks for: PostgreSQL in production, PGlite embedded. */
import path from 'node:path';
import type { Config } from '@portcullis/config';
import type { Database } from './database.js';
import { openPglite } from './drivers/pglite.driver.js';
import { openPostgres } from './drivers/pg.driver.js';

export async function openDatabase(config: Pick<Config, 'mode' | 'database' | 'dataDir'>, options: { inMemory?: boolean } = {}): Promise<Database> {
  if (config.mode === 'production' && config.database.url) {
    return openPostgres({ url: config.database.url, readUrl: config.database.readUrl });
  }
  return openPglite(options.inMemory ? undefined : path.join(config.dataDir, 'pglite'));
}

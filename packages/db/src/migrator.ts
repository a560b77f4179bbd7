/**
 * Applies pending migrations on the primary. Safe to call at every start: already-applied
 * migrations are skipped. Everything runs in ONE transaction holding a transaction-scoped
 * advisory lock (see drivers/postgres-dialect.ts), so two instances never migrate at once and
 * the lock cannot leak through PgBouncer's transaction pooling.
 */
import { Migrator, type MigrationResult } from 'kysely/migration';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';

export class MigrationError extends Error {
  constructor(migration: string, cause: unknown) {
    super(`migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

export interface MigrationReport {
  applied: string[];
  pending: string[];
}

export async function migrateToLatest(db: Database): Promise<MigrationReport> {
  return db.primary.transaction().execute(async (trx) => {
    const migrator = new Migrator({ db: trx, provider: { getMigrations: () => Promise.resolve(migrations) } });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r: MigrationResult) => r.status === 'Error');
    // Throwing rolls the whole transaction back: no half-applied migration set.
    if (error) throw new MigrationError(failed?.migrationName ?? 'unknown', error);
    return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), pending: [] };
  });
}

export async function migrationStatus(db: Database): Promise<{ name: string; executedAt: Date | null }[]> {
  const migrator = new Migrator({ db: db.primary, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const list = await migrator.getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}

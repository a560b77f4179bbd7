/**
 * Kysely's PostgreSQL dialect with one change: migrations lock with a TRANSACTION-scoped
 * advisory lock. Kysely's default takes a session-level lock and releases it in a separate
 * statement; behind PgBouncer in transaction pooling those two statements can run on different
 * server connections, leaving the lock held by a pooled connection and the next instance's
 * migration stuck. `migrateToLatest` runs the whole migration in one transaction, so a
 * transaction lock covers it and is released by the commit or rollback itself.
 */
import { PostgresAdapter, PostgresDialect, sql, type DialectAdapter, type Kysely } from 'kysely';

/** Any fixed 64-bit key, unique to Portcullis' migrations. */
const MIGRATION_LOCK_ID = 7_204_118_311_925_017_993n;

class TransactionLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_ID)})`.execute(db);
  }

  override async releaseMigrationLock(): Promise<void> {
    // Released when the migration transaction ends.
  }
}

export class PortcullisPostgresDialect extends PostgresDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionLockAdapter();
  }
}

/**
 * The mail outbox: a message is written here in the transaction of the request that causes it
 * (so it exists exactly when that request's change committed), and a sender on each instance
 * claims due rows, delivers them and records the outcome (packages/server/src/mail/).
 * Frozen in time: typed against `Kysely<any>`.
 */
import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull())
    // pending: waits for next_attempt_at; sending: claimed by a sender until next_attempt_at
    // (its lease); sent and failed are final.
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sending', 'sent', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  // The sender's claim and the backlog gauge read only the unfinished rows.
  await sql`create index mail_outbox_due on mail_outbox (next_attempt_at) where status in ('pending', 'sending')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_outbox').execute();
}

/**
 * Single-use account links (password reset, invitation, email change): only the SHA-256 of the
 * random token is stored, so a copy of this table opens no account. `account_stamp` is a hash
 * of the account's email and password hash when the link was issued: a link stops working when
 * either changes. `used_at` is set once, by one conditional UPDATE (the link's single use), and
 * also when a newer link of the same purpose replaces it.
 * Frozen in time: typed against `Kysely<any>`.
 */
import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('reset', 'invite', 'email-change')`))
    .addColumn('account_stamp', 'text', (c) => c.notNull())
    .addColumn('new_email', 'text')
    .addColumn('continue_path', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('account_links_account_purpose').on('account_links').columns(['account_id', 'purpose']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_links').execute();
}

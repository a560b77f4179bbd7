/**
 * Second factor: one TOTP seed per account and its single-use recovery codes.
 * - `account_totp.secret_ciphertext` is the base32 seed sealed with ENCRYPTION_KEY (AES-256-GCM,
 *   bound to the account id); the database never holds it in the clear.
 * - `enabled_at` is null while an enrolment waits for its first code; `last_step` is the last
 *   RFC 6238 time step accepted, so a code is accepted at most once (SECURITY.md A5). An integer
 *   holds 30-second steps until the year 4000, and both drivers return it as a number.
 * - Recovery codes are stored as SHA-256 digests of high-entropy random codes (see
 *   packages/server/src/mfa/recovery-codes.ts for why a fast hash is enough here).
 * - Sessions and grants are looked up by account when a password changes: the expression index
 *   keeps that lookup off a full scan of `oidc_payloads`.
 * Frozen in time: typed against `Kysely<any>`.
 */
import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_totp')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('last_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('recovery_codes_pkey', ['account_id', 'code_hash'])
    .execute();

  await sql`create index oidc_payloads_account on oidc_payloads (model, (payload->>'accountId')) where model in ('Session', 'Grant')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists oidc_payloads_account`.execute(db);
  await db.schema.dropTable('recovery_codes').ifExists().execute();
  await db.schema.dropTable('account_totp').ifExists().execute();
}

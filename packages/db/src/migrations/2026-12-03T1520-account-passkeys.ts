/**
 * Passkeys (WebAuthn credentials), any number per account.
 * - `id` is the credential id (base64url), unique across accounts: the sign-in with a passkey
 *   finds the account from it, and a second registration of the same authenticator is refused.
 * - `public_key` is the COSE public key (base64url); nothing secret is stored.
 * - `counter` is the authenticator's signature counter (a uint32, hence bigint); `last_challenge`
 *   the challenge of the last accepted assertion, so one UPDATE conditional on both decides that an
 *   assertion is accepted once (SECURITY.md A5's pattern).
 * - `transports` (jsonb array) lets the browser pick the right authenticator; `aaguid` names the
 *   authenticator model; `name` is the person's label.
 * Frozen in time: typed against `Kysely<any>`.
 */
import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('aaguid', 'text', (c) => c.notNull())
    .addColumn('last_challenge', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('account_passkeys_account').on('account_passkeys').column('account_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_passkeys').ifExists().execute();
}

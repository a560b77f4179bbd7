/**
 * Guesses at an email verification code, counted on its row: after MAX_EMAIL_CODE_GUESSES the
 * code is void (the link still works), whichever interactions the guesses came from.
 * Frozen in time: typed against `Kysely<any>`.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('email_verifications').addColumn('code_guesses', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('email_verifications').dropColumn('code_guesses').execute();
}

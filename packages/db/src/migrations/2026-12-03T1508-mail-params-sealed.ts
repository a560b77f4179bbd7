/**
 * A queued message's parameters (its link, its code) sealed at rest with ENCRYPTION_KEY(S), like
 * TOTP seeds: `params_sealed` holds them while the message waits, `params` stays `{}`; both are
 * emptied once the message is final. Frozen in time: typed against `Kysely<any>`.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_outbox').addColumn('params_sealed', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_outbox').dropColumn('params_sealed').execute();
}

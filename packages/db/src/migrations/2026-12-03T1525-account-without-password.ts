/**
 * An account may exist without a password: an administrator creates it (`portcullis users
 * create`) and the person chooses one through a set-password link. Until then nothing can sign
 * in to it: the password check treats a missing hash like a wrong password (accounts/).
 * Frozen in time: typed against `Kysely<any>`.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').alterColumn('password_hash', (c) => c.dropNotNull()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // An account without a password cannot be kept under the old rule: it has never been usable.
  await db.deleteFrom('accounts').where('password_hash', 'is', null).execute();
  await db.schema.alterTable('accounts').alterColumn('password_hash', (c) => c.setNotNull()).execute();
}

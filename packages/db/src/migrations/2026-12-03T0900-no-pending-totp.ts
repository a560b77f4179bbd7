/**
 * Enrolment seeds no longer wait in `account_totp`: a pending seed lives in the flow that started
 * it (SECURITY.md A15), so a seed one flow started can never be shown to another. Rows an earlier
 * release left pending (enabled_at null) could have been started by someone who knew only the
 * password; they are dropped, and the person simply starts the set-up again.
 * Frozen in time: typed against `Kysely<any>`.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('account_totp').where('enabled_at', 'is', null).execute();
}

export async function down(): Promise<void> {
  // Nothing to restore: the dropped rows were unconfirmed enrolments.
}

/**
 * TOTP seeds and recovery codes. Everything here is credential state, so every read and write
 * uses the primary: a code accepted a moment ago must be refused by the very next request.
 * - A code is accepted once: `acceptStep` is one conditional UPDATE (`last_step < step`), so of
 *   any number of concurrent submissions of one code exactly one moves the step forward.
 * - A recovery code is used once, by the same conditional-UPDATE pattern on `used_at`.
 * - There is no pending seed here: an enrolment's seed lives in the flow that started it (an
 *   interaction or an account-page session) until a code from it verifies (SECURITY.md A15).
 * Sealing the seed and hashing the codes is the caller's job; this file sees ciphertext and
 * digests only.
 */
import { sql } from 'kysely';
import type { Database } from '../database.js';

export interface TotpRecord {
  accountId: string;
  secretCiphertext: string;
  lastStep: number;
  /** Null only on rows an older release left pending; such a row never verifies a code. */
  enabledAt: Date | null;
  updatedAt: Date;
}

export function createMfaRepository(db: Database) {
  const replaceCodes = async (trx: Database['primary'], accountId: string, codeHashes: string[]) => {
    await trx.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
    if (codeHashes.length > 0) {
      await trx.insertInto('recovery_codes').values(codeHashes.map((code_hash) => ({ account_id: accountId, code_hash }))).execute();
    }
  };

  return {
    async findTotp(accountId: string): Promise<TotpRecord | undefined> {
      const row = await db.primary.selectFrom('account_totp').selectAll().where('account_id', '=', accountId).executeTakeFirst();
      return row && { accountId: row.account_id, secretCiphertext: row.secret_ciphertext, lastStep: Number(row.last_step), enabledAt: row.enabled_at, updatedAt: row.updated_at };
    },

    /**
     * Turns TOTP on with a seed the caller's flow held (never a row another flow could read) and
     * the step of its first accepted code, and stores its recovery codes, in one transaction:
     * either TOTP is on with codes, or nothing changed. False when TOTP is already on. A row
     * left pending by an older release (enabled_at null) is replaced.
     */
    async enable(accountId: string, secretCiphertext: string, step: number, codeHashes: string[]): Promise<boolean> {
      return db.primary.transaction().execute(async (trx) => {
        const now = new Date();
        const result = await trx
          .insertInto('account_totp')
          .values({ account_id: accountId, secret_ciphertext: secretCiphertext, last_step: step, enabled_at: now })
          .onConflict((oc) =>
            oc.column('account_id').doUpdateSet({ secret_ciphertext: secretCiphertext, last_step: step, enabled_at: now, updated_at: now }).where('account_totp.enabled_at', 'is', null),
          )
          .executeTakeFirst();
        if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
        await replaceCodes(trx, accountId, codeHashes);
        return true;
      });
    },

    /**
     * Accepts time step `step` for an enabled seed when no later or equal step was accepted
     * before: one statement, so the database decides races (RFC 6238 §5.2, SECURITY.md A5).
     */
    async acceptStep(accountId: string, step: number): Promise<boolean> {
      const result = await db.primary
        .updateTable('account_totp')
        .set({ last_step: step, updated_at: new Date() })
        .where('account_id', '=', accountId)
        .where('enabled_at', 'is not', null)
        .where('last_step', '<', step)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Marks one unused recovery code used; false when it does not exist or was used already. */
    async consumeRecoveryCode(accountId: string, codeHash: string): Promise<boolean> {
      const result = await db.primary
        .updateTable('recovery_codes')
        .set({ used_at: new Date() })
        .where('account_id', '=', accountId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .where((eb) => eb.exists(eb.selectFrom('account_totp').select(sql`1`.as('one')).where('account_id', '=', accountId).where('enabled_at', 'is not', null)))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Replaces every recovery code of an account with TOTP on; false when TOTP is off. */
    async replaceRecoveryCodes(accountId: string, codeHashes: string[]): Promise<boolean> {
      return db.primary.transaction().execute(async (trx) => {
        const on = await trx.selectFrom('account_totp').select('account_id').where('account_id', '=', accountId).where('enabled_at', 'is not', null).forUpdate().executeTakeFirst();
        if (!on) return false;
        await replaceCodes(trx, accountId, codeHashes);
        return true;
      });
    },

    async countUnusedRecoveryCodes(accountId: string): Promise<number> {
      const row = await db.primary
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('account_id', '=', accountId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    /** Removes the seed and every recovery code; false when there was nothing to remove. */
    async disable(accountId: string): Promise<boolean> {
      return db.primary.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('account_totp').where('account_id', '=', accountId).where('enabled_at', 'is not', null).executeTakeFirst();
        if (Number(result.numDeletedRows) !== 1) return false;
        await replaceCodes(trx, accountId, []);
        return true;
      });
    },
  };
}

export type MfaRepository = ReturnType<typeof createMfaRepository>;

/**
 * Email verifications. Credential state, so everything uses the primary: a code accepted a
 * moment ago must be refused by the very next request.
 * - `replace` writes the account's one live verification on the caller's executor (the same
 *   transaction as the account it belongs to and the message that carries it), removing older ones.
 * - `consume` is one conditional UPDATE (unused, unexpired, matching digest): of any number of
 *   concurrent submissions exactly one wins, and it marks the account verified in the same
 *   transaction, only while the account still has the address the message went to.
 * - `takeGuess` reserves one guess at the code with a conditional UPDATE before the code is
 *   checked: of any number of concurrent guesses, across any number of sign-in attempts, at most
 *   MAX_EMAIL_CODE_GUESSES are ever checked against one code; then the code is void and only the
 *   link confirms (a 6-digit code must not be guessable by trying again elsewhere).
 * Digests only: hashing the code and the token is the caller's job.
 */
import type { Database, PrimaryDb } from '../database.js';

export interface NewEmailVerification {
  id: string;
  accountId: string;
  email: string;
  codeHash: string;
  tokenHash: string;
  expiresAt: Date;
}

/** Guesses at one code, right or wrong, after which only the link works. */
export const MAX_EMAIL_CODE_GUESSES = 5;

export interface LiveVerification {
  id: string;
  accountId: string;
  email: string;
  codeHash: string;
}

export function createEmailVerificationRepository(db: Database) {
  return {
    async replace(executor: PrimaryDb, verification: NewEmailVerification): Promise<void> {
      await executor.deleteFrom('email_verifications').where('account_id', '=', verification.accountId).execute();
      await executor
        .insertInto('email_verifications')
        .values({ id: verification.id, account_id: verification.accountId, email: verification.email, code_hash: verification.codeHash, token_hash: verification.tokenHash, expires_at: verification.expiresAt })
        .execute();
    },

    /** Reserves one guess at the account's live code: the verification, or undefined when none is left. */
    async takeGuess(accountId: string): Promise<LiveVerification | undefined> {
      const row = await db.primary
        .updateTable('email_verifications')
        .set((eb) => ({ code_guesses: eb('code_guesses', '+', 1) }))
        .where('account_id', '=', accountId)
        .where('used_at', 'is', null)
        .where('expires_at', '>', new Date())
        .where('code_guesses', '<', MAX_EMAIL_CODE_GUESSES)
        .returning(['id', 'account_id', 'email', 'code_hash'])
        .executeTakeFirst();
      return row && { id: row.id, accountId: row.account_id, email: row.email, codeHash: row.code_hash };
    },

    /**
     * Uses the verification whose `by` digest matches, once; marks its account's email verified
     * in the same transaction. Returns the account id, or undefined when nothing matched.
     */
    async consume(by: { id: string; codeHash: string } | { tokenHash: string }): Promise<string | undefined> {
      return db.primary.transaction().execute(async (trx) => {
        let query = trx.updateTable('email_verifications').set({ used_at: new Date() }).where('used_at', 'is', null).where('expires_at', '>', new Date());
        query = 'tokenHash' in by ? query.where('token_hash', '=', by.tokenHash) : query.where('id', '=', by.id).where('code_hash', '=', by.codeHash);
        const used = await query.returning(['account_id', 'email']).executeTakeFirst();
        if (!used) return undefined;
        await trx.updateTable('accounts').set({ email_verified: true, updated_at: new Date() }).where('id', '=', used.account_id).where('email', '=', used.email).execute();
        return used.account_id;
      });
    },
  };
}

export type EmailVerificationRepository = ReturnType<typeof createEmailVerificationRepository>;

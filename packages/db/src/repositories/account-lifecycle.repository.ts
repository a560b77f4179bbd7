/**
 * What an administrator does to an account over its whole life (accounts/account-lifecycle
 * service): create it without a password, mark its email verified, remove its second factor,
 * read everything stored about it, delete it. Every read and write uses the primary: each one
 * follows or precedes an admin command whose effect the next command must see.
 * - Deleting is one transaction: the account row (its consents, TOTP seed, recovery codes and
 *   passkeys go with it, ON DELETE CASCADE), the email scrubbed from the audit rows that named it
 *   (failed sign-ins store the email typed when no account had it), every outbox message to the
 *   address dropped (a pending one is never sent), and the pending message of an unfinished email
 *   change to its new address. Its links and verification codes go with the row (cascade). Audit rows keep the account id only:
 *   the record of what happened outlives the account, the person's address does not.
 */
import { sql } from 'kysely';
import type { Database, PrimaryDb } from '../database.js';
import { isUniqueViolation } from '../database.js';
import { DuplicateEmailError, toAccount, type Account } from './account.repository.js';

/** The account as export shows it: never the password hash, only whether there is one. */
export interface StoredAccount extends Account {
  hasPassword: boolean;
  updatedAt: Date;
}

/** The TOTP factor's state without its seed, and the recovery codes without their digests. */
export interface StoredTotp {
  enabledAt: Date | null;
  createdAt: Date;
  recoveryCodes: { createdAt: Date; usedAt: Date | null }[];
}

export function createAccountLifecycleRepository(db: Database) {
  return {
    /** A new account without a password; the unique index on email decides a race. */
    async insertWithoutPassword(input: { id: string; email: string; name: string | null }): Promise<Account> {
      try {
        const row = await db.primary
          .insertInto('accounts')
          .values({ id: input.id, email: input.email, password_hash: null, name: input.name })
          .returning(['id', 'email', 'name', 'email_verified', 'disabled_at', 'created_at'])
          .executeTakeFirstOrThrow();
        return toAccount(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateEmailError();
        throw error;
      }
    },

    async findStored(accountId: string): Promise<StoredAccount | undefined> {
      const row = await db.primary.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
      return (
        row && {
          ...toAccount(row),
          updatedAt: row.updated_at,
          hasPassword: row.password_hash !== null,
        }
      );
    },

    /** Marks the email verified; false when the account does not exist. */
    async markEmailVerified(accountId: string): Promise<boolean> {
      const result = await db.primary.updateTable('accounts').set({ email_verified: true, updated_at: new Date() }).where('id', '=', accountId).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** The TOTP factor without its seed (undefined when none is stored). */
    async findTotp(accountId: string): Promise<StoredTotp | undefined> {
      const totp = await db.primary.selectFrom('account_totp').select(['enabled_at', 'created_at']).where('account_id', '=', accountId).executeTakeFirst();
      if (!totp) return undefined;
      const codes = await db.primary.selectFrom('recovery_codes').select(['created_at', 'used_at']).where('account_id', '=', accountId).orderBy('created_at').execute();
      return { enabledAt: totp.enabled_at, createdAt: totp.created_at, recoveryCodes: codes.map((code) => ({ createdAt: code.created_at, usedAt: code.used_at })) };
    },

    /**
     * Removes the TOTP seed (enabled or left pending by an older release) and every recovery
     * code, in one transaction (the caller's `within`, when given); true when a seed was stored.
     */
    async removeTotp(accountId: string, within?: PrimaryDb): Promise<boolean> {
      const remove = async (trx: PrimaryDb) => {
        const removed = await trx.deleteFrom('account_totp').where('account_id', '=', accountId).executeTakeFirst();
        await trx.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
        return Number(removed.numDeletedRows) > 0;
      };
      return within ? remove(within) : db.primary.transaction().execute(remove);
    },

    /**
     * Deletes the account (cascading to its consents and factors), scrubs `email` from the detail
     * of every audit row that named it and drops the outbox's messages to it; false when the
     * account did not exist.
     */
    async deleteAccount(accountId: string, email: string): Promise<boolean> {
      return db.primary.transaction().execute(async (trx) => {
        // A pending email change's link went to the new address: its message is dropped too.
        const changes = await trx.selectFrom('account_links').select('new_email').where('account_id', '=', accountId).where('used_at', 'is', null).where('new_email', 'is not', null).execute();
        const newAddresses = changes.flatMap((change) => (change.new_email === null ? [] : [change.new_email]));
        const result = await trx.deleteFrom('accounts').where('id', '=', accountId).executeTakeFirst();
        if (Number(result.numDeletedRows) !== 1) return false;
        // `detail` is append-only to the typed schema; this is the one rewrite the log allows.
        await sql`update audit_events set detail = detail - 'email' where detail->>'email' = ${email}`.execute(trx);
        // Mail to the address: pending messages are not sent, and the outbox forgets the address.
        await trx.deleteFrom('mail_outbox').where('recipient', '=', email).execute();
        if (newAddresses.length > 0) await trx.deleteFrom('mail_outbox').where('recipient', 'in', newAddresses).where('status', 'in', ['pending', 'sending']).execute();
        return true;
      });
    },
  };
}

export type AccountLifecycleRepository = ReturnType<typeof createAccountLifecycleRepository>;

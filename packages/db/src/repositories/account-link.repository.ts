/**
 * Single-use account links. Everything here runs on the primary: a link is read right after it
 * was written, and its use must be decided where writes are.
 * - `issue` replaces every unused link of the same account and purpose (marks them used) and
 *   inserts the new one, in one transaction that holds the account row's lock: only the newest
 *   link of a purpose works, even when two are asked for at once.
 * - A link carries `account_stamp`, a hash of the account's email and password hash at issue:
 *   a link whose account changed its password or email since no longer matches.
 * - `redeemPassword` / `redeemEmail` decide the single use with ONE conditional UPDATE (unused,
 *   unexpired, stamp still matching, account not disabled) and make the change in the same
 *   transaction: of any number of concurrent uses exactly one succeeds, and a use that loses
 *   changes nothing.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Database, PrimaryDb } from '../database.js';
import { isUniqueViolation } from '../database.js';
import { DuplicateEmailError } from './account.repository.js';

export type AccountLinkPurpose = 'reset' | 'invite' | 'email-change';

export interface AccountLink {
  accountId: string;
  email: string;
  purpose: AccountLinkPurpose;
  newEmail: string | null;
  continuePath: string | null;
  expiresAt: Date;
}

/** The stamp of the account row `a` as SQL: changes whenever its email or password hash does. */
// An account an administrator created has no password hash yet (null): it stamps as empty.
const stampOf = (alias: 'a' | 'accounts') => sql<string>`encode(sha256(convert_to(${sql.ref(`${alias}.email`)} || ':' || coalesce(${sql.ref(`${alias}.password_hash`)}, ''), 'UTF8')), 'hex')`;

export function createAccountLinkRepository(db: Database) {
  /** The WHERE of a usable link: unused, unexpired, its account unchanged and not disabled. */
  const usable = (tokenHash: string, purpose: AccountLinkPurpose, now: Date): Expression<SqlBool> =>
    sql<SqlBool>`account_links.token_hash = ${tokenHash} and account_links.purpose = ${purpose} and account_links.used_at is null
      and account_links.expires_at > ${now} and exists (select 1 from accounts a where a.id = account_links.account_id
      and a.disabled_at is null and ${stampOf('a')} = account_links.account_stamp)`;

  /** Marks the link used if it is usable; the returned row is the one use. */
  const consume = (trx: Database['primary'], tokenHash: string, purpose: AccountLinkPurpose, now: Date) =>
    trx.updateTable('account_links').set({ used_at: now }).where(() => usable(tokenHash, purpose, now))
      .returning(['account_id', 'new_email', 'continue_path']).executeTakeFirst();

  return {
    /**
     * Stores a new link (its token's hash) and retires the account's other unused links of
     * `purpose`; false when there is no such account. `within` runs in the same transaction once
     * the link is stored (its mail is queued there), with the account's current email.
     */
    async issue(input: { tokenHash: string; accountId: string; purpose: AccountLinkPurpose; expiresAt: Date; now: Date; newEmail?: string; continuePath?: string }, within?: (trx: PrimaryDb, email: string) => Promise<void>): Promise<boolean> {
      return db.primary.transaction().execute(async (trx) => {
        // The account row's lock orders concurrent issues for one account: each retires the one before.
        await trx.selectFrom('accounts').select('id').where('id', '=', input.accountId).forUpdate().execute();
        await trx.updateTable('account_links').set({ used_at: input.now })
          .where('account_id', '=', input.accountId).where('purpose', '=', input.purpose).where('used_at', 'is', null).execute();
        const inserted = await trx.insertInto('account_links')
          .columns(['token_hash', 'account_id', 'purpose', 'account_stamp', 'new_email', 'continue_path', 'expires_at'])
          .expression(trx.selectFrom('accounts').where('accounts.id', '=', input.accountId).select([
            sql.val(input.tokenHash).as('token_hash'), 'accounts.id', sql.val(input.purpose).as('purpose'), stampOf('accounts').as('account_stamp'),
            sql.val(input.newEmail ?? null).as('new_email'), sql.val(input.continuePath ?? null).as('continue_path'), sql.val(input.expiresAt).as('expires_at'),
          ]))
          .returning('token_hash')
          .executeTakeFirst();
        if (!inserted) return false;
        const account = await trx.selectFrom('accounts').select('email').where('id', '=', input.accountId).executeTakeFirstOrThrow();
        await within?.(trx, account.email);
        return true;
      });
    },

    /** The link if it is usable now (the page a link opens); nothing is marked. */
    async find(tokenHash: string, purpose: AccountLinkPurpose, now: Date): Promise<AccountLink | undefined> {
      const row = await db.primary.selectFrom('account_links').innerJoin('accounts', 'accounts.id', 'account_links.account_id')
        .select(['account_links.account_id', 'accounts.email', 'account_links.purpose', 'account_links.new_email', 'account_links.continue_path', 'account_links.expires_at'])
        .where(() => usable(tokenHash, purpose, now)).executeTakeFirst();
      return row && { accountId: row.account_id, email: row.email, purpose: row.purpose, newEmail: row.new_email, continuePath: row.continue_path, expiresAt: row.expires_at };
    },

    /**
     * Uses a reset or invite link: sets the password hash and email_verified (the link reached
     * the mailbox); `within` runs in the same transaction (the notice mail, and the factor
     * removal when the address was unconfirmed: `wasVerified`). Undefined when the link is not
     * usable.
     */
    async redeemPassword(
      input: { tokenHash: string; purpose: 'reset' | 'invite'; passwordHash: string; now: Date },
      within?: (trx: PrimaryDb, redeemed: { accountId: string; email: string; wasVerified: boolean }) => Promise<void>,
    ): Promise<{ accountId: string; email: string; wasVerified: boolean; continuePath: string | null } | undefined> {
      return db.primary.transaction().execute(async (trx) => {
        const used = await consume(trx, input.tokenHash, input.purpose, input.now);
        if (!used) return undefined;
        // Locked, so `wasVerified` is the state this change replaces (a confirmation racing it waits).
        const before = await trx.selectFrom('accounts').select('email_verified').where('id', '=', used.account_id).forUpdate().executeTakeFirstOrThrow();
        // The link was mailed to the account's address and opened: that proves the mailbox.
        const account = await trx.updateTable('accounts')
          .set({ password_hash: input.passwordHash, updated_at: input.now, email_verified: true })
          .where('id', '=', used.account_id).returning(['id', 'email']).executeTakeFirstOrThrow();
        // The password changed: every other link of the account no longer matches its stamp.
        await within?.(trx, { accountId: account.id, email: account.email, wasVerified: before.email_verified });
        return { accountId: account.id, email: account.email, wasVerified: before.email_verified, continuePath: used.continue_path };
      });
    },

    /**
     * Uses an email-change link: the account's email becomes the link's new address, verified.
     * Throws DuplicateEmailError (nothing changed, the link stays unused) when the address was
     * taken meanwhile.
     */
    async redeemEmail(input: { tokenHash: string; now: Date }): Promise<{ accountId: string; oldEmail: string; newEmail: string } | undefined> {
      try {
        return await db.primary.transaction().execute(async (trx) => {
          const before = await trx.selectFrom('account_links').innerJoin('accounts', 'accounts.id', 'account_links.account_id')
            .select('accounts.email').where('account_links.token_hash', '=', input.tokenHash).executeTakeFirst();
          const used = await consume(trx, input.tokenHash, 'email-change', input.now);
          if (!used?.new_email || !before) return undefined;
          await trx.updateTable('accounts').set({ email: used.new_email, email_verified: true, updated_at: input.now }).where('id', '=', used.account_id).execute();
          return { accountId: used.account_id, oldEmail: before.email, newEmail: used.new_email };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateEmailError();
        throw error;
      }
    },
  };
}

export type AccountLinkRepository = ReturnType<typeof createAccountLinkRepository>;

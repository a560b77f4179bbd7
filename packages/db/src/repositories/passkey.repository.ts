/**
 * Passkeys (WebAuthn credentials) of accounts. Credential state: every read and write uses the
 * primary, so a passkey removed a moment ago is refused by the very next request.
 * - A credential id belongs to one account (primary key): `insert` answers false for a second
 *   registration of the same authenticator, whoever tries it.
 * - An assertion is accepted once: `recordUse` is one conditional UPDATE (a new challenge, and a
 *   counter that moved forward unless the authenticator keeps none), so of any number of
 *   concurrent submissions of one assertion exactly one is accepted (SECURITY.md A5's pattern).
 * - Renaming and removing name the account as well as the credential, so an id of another
 *   account's passkey changes nothing.
 */
import { isUniqueViolation, type Database, type PrimaryDb } from '../database.js';

export interface PasskeyRecord {
  id: string;
  accountId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  aaguid: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type NewPasskey = Omit<PasskeyRecord, 'createdAt' | 'lastUsedAt'>;

export function createPasskeyRepository(db: Database) {
  const columns = ['id', 'account_id', 'public_key', 'counter', 'transports', 'name', 'aaguid', 'created_at', 'last_used_at'] as const;
  const toRecord = (row: { id: string; account_id: string; public_key: string; counter: string | number; transports: string[]; name: string; aaguid: string; created_at: Date; last_used_at: Date | null }): PasskeyRecord => ({
    id: row.id,
    accountId: row.account_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: Array.isArray(row.transports) ? row.transports.filter((t): t is string => typeof t === 'string') : [],
    name: row.name,
    aaguid: row.aaguid,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  });

  return {
    /** The account's passkeys, oldest first. */
    async listForAccount(accountId: string): Promise<PasskeyRecord[]> {
      const rows = await db.primary.selectFrom('account_passkeys').select(columns).where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },

    async countForAccount(accountId: string, within?: PrimaryDb): Promise<number> {
      const row = await (within ?? db.primary).selectFrom('account_passkeys').select((eb) => eb.fn.countAll<string>().as('count')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async findById(id: string): Promise<PasskeyRecord | undefined> {
      const row = await db.primary.selectFrom('account_passkeys').select(columns).where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    /** Stores a new passkey; false when the credential id is already registered (to any account). */
    async insert(passkey: NewPasskey): Promise<boolean> {
      try {
        await db.primary
          .insertInto('account_passkeys')
          .values({ id: passkey.id, account_id: passkey.accountId, public_key: passkey.publicKey, counter: passkey.counter, transports: JSON.stringify(passkey.transports), name: passkey.name, aaguid: passkey.aaguid })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    /**
     * Accepts one assertion of passkey `id` made for `challenge` with signature counter `counter`:
     * true once; false when this challenge was accepted before, or the counter did not move
     * forward (a cloned authenticator, or a replay). An authenticator that keeps no counter
     * reports 0 every time (WebAuthn Level 2 §6.1.1), which stays acceptable while the stored one is 0.
     */
    async recordUse(id: string, challenge: string, counter: number): Promise<boolean> {
      const result = await db.primary
        .updateTable('account_passkeys')
        .set({ counter, last_challenge: challenge, last_used_at: new Date() })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_challenge', 'is', null), eb('last_challenge', '!=', challenge)]))
        .where('counter', counter === 0 ? '=' : '<', counter)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Renames the account's passkey `id`; false when the account has no such passkey. */
    async rename(accountId: string, id: string, name: string): Promise<boolean> {
      const result = await db.primary.updateTable('account_passkeys').set({ name }).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Removes the account's passkey `id`; false when the account has no such passkey. */
    async remove(accountId: string, id: string): Promise<boolean> {
      const result = await db.primary.deleteFrom('account_passkeys').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    /**
     * Removes every passkey of the account (an admin's MFA reset, an account's deletion, a reset
     * link proving an unconfirmed address); returns how many. On `within` (the caller's
     * transaction) when given.
     */
    async deleteAllForAccount(accountId: string, within?: PrimaryDb): Promise<number> {
      const result = await (within ?? db.primary).deleteFrom('account_passkeys').where('account_id', '=', accountId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type PasskeyRepository = ReturnType<typeof createPasskeyRepository>;

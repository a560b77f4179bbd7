/**
 * Accounts. Credentials and anything read right after a write come from the primary; profile
 * reads for claims tolerate lag and go to the reader, falling back to the primary on a miss (an
 * account registered a moment ago may not have reached a replica yet).
 */
import type { Database, PrimaryDb } from '../database.js';
import { isUniqueViolation, readerThenPrimary } from '../database.js';
import type { AccountRow } from '../schema.js';

export interface Account {
  id: string;
  email: string;
  name: string | null;
  emailVerified: boolean;
  disabled: boolean;
  createdAt: Date;
}

export interface AccountCredentials extends Account {
  /** Null for an account created without one (it cannot sign in with a password yet). */
  passwordHash: string | null;
}

export class DuplicateEmailError extends Error {
  constructor() {
    super('an account with this email already exists');
    this.name = 'DuplicateEmailError';
  }
}

/** An account as the repositories return it, from any row that has its columns. */
export function toAccount(row: Pick<AccountRow, 'id' | 'email' | 'name' | 'email_verified' | 'disabled_at' | 'created_at'>): Account {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    emailVerified: row.email_verified,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
  };
}

export function createAccountRepository(db: Database) {
  return {
    /**
     * Inserts an account; the unique index on email decides races between two registrations.
     * `executor`: the caller's transaction when the account is written with other rows (registration).
     */
    async insert(input: { id: string; email: string; passwordHash: string; name: string | null }, executor: PrimaryDb = db.primary): Promise<Account> {
      try {
        const row = await executor
          .insertInto('accounts')
          .values({ id: input.id, email: input.email, password_hash: input.passwordHash, name: input.name })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toAccount(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateEmailError();
        throw error;
      }
    },

    /** Credentials: primary, so a password just changed is the one checked. */
    async findCredentialsByEmail(email: string): Promise<AccountCredentials | undefined> {
      const row = await db.primary.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
      return row && { ...toAccount(row), passwordHash: row.password_hash };
    },

    /** Credentials by id (password change): primary, for the same reason. */
    async findCredentialsById(id: string): Promise<AccountCredentials | undefined> {
      const row = await db.primary.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { ...toAccount(row), passwordHash: row.password_hash };
    },

    /** Replaces the password hash; false when the account does not exist. */
    async updatePasswordHash(id: string, passwordHash: string): Promise<boolean> {
      const result = await db.primary.updateTable('accounts').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Profile for claims: reader first, primary when the replica has not caught up. */
    async findById(id: string): Promise<Account | undefined> {
      const row = await readerThenPrimary(db, (handle) => handle.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst());
      return row && toAccount(row);
    },

    /** Admin look-up; primary so an admin sees the effect of the command they just ran. */
    async findByEmail(email: string): Promise<Account | undefined> {
      const row = await db.primary.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
      return row && toAccount(row);
    },

    async list(options: { limit: number; offset: number }): Promise<Account[]> {
      const rows = await db.reader
        .selectFrom('accounts')
        .selectAll()
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .limit(options.limit)
        .offset(options.offset)
        .execute();
      return rows.map(toAccount);
    },

    async setDisabled(id: string, disabled: boolean): Promise<Account | undefined> {
      const row = await db.primary
        .updateTable('accounts')
        .set({ disabled_at: disabled ? new Date() : null, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toAccount(row);
    },
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;

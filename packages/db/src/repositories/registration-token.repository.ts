/**
 * Initial access tokens for dynamic client registration. The repository sees only a hash of a
 * token (hashing is the caller's job), never the token. Everything goes to the primary: a use is
 * a write, and a token is used right after it is created.
 * - `use` is one conditional UPDATE: a token that is unknown, revoked, expired or has no use left
 *   matches no row, so any number of concurrent registrations get at most `max_uses` uses.
 * - `giveBack` returns a use a registration took but did not complete (the provider refused its
 *   metadata), so a typo in a request does not spend the token.
 */
import { sql } from 'kysely';
import type { Database } from '../database.js';
import type { RegistrationTokensTable } from '../schema.js';
import type { Selectable } from 'kysely';

export interface StoredRegistrationToken {
  id: string;
  expiresAt: Date | null;
  maxUses: number | null;
  uses: number;
  revokedAt: Date | null;
  createdAt: Date;
}

const toToken = (row: Omit<Selectable<RegistrationTokensTable>, 'token_hash'>): StoredRegistrationToken => ({
  id: row.id,
  expiresAt: row.expires_at,
  maxUses: row.max_uses,
  uses: row.uses,
  revokedAt: row.revoked_at,
  createdAt: row.created_at,
});

const COLUMNS = ['id', 'expires_at', 'max_uses', 'uses', 'revoked_at', 'created_at'] as const;

export function createRegistrationTokenRepository(db: Database) {
  return {
    async insert(token: { id: string; tokenHash: string; expiresAt: Date | null; maxUses: number | null }): Promise<StoredRegistrationToken> {
      const row = await db.primary
        .insertInto('registration_tokens')
        .values({ id: token.id, token_hash: token.tokenHash, expires_at: token.expiresAt, max_uses: token.maxUses })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return toToken(row);
    },

    async list(): Promise<StoredRegistrationToken[]> {
      const rows = await db.primary.selectFrom('registration_tokens').select(COLUMNS).orderBy('created_at', 'asc').orderBy('id').execute();
      return rows.map(toToken);
    },

    /** Marks the token revoked; false when there is no such token or it already was. */
    async revoke(id: string): Promise<boolean> {
      const result = await db.primary.updateTable('registration_tokens').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Takes one use of the token with this hash when it is live; its id, or undefined. */
    async use(tokenHash: string, now: Date): Promise<string | undefined> {
      const row = await db.primary
        .updateTable('registration_tokens')
        .set({ uses: sql<number>`uses + 1` })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },

    async giveBack(id: string): Promise<void> {
      await db.primary.updateTable('registration_tokens').set({ uses: sql<number>`uses - 1` }).where('id', '=', id).where('uses', '>', 0).execute();
    },
  };
}

export type RegistrationTokenRepository = ReturnType<typeof createRegistrationTokenRepository>;

/**
 * Signing keys, private halves encrypted by the caller. Always read from the primary: a key
 * rotated a moment ago must be the one every instance loads next.
 */
import { sql } from 'kysely';
import type { Database } from '../database.js';
import type { SigningKeyRow } from '../schema.js';

export interface StoredSigningKey {
  kid: string;
  alg: string;
  privateJwkCiphertext: string;
  status: 'active' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
  publishUntil: Date | null;
}

function toKey(row: SigningKeyRow): StoredSigningKey {
  return {
    kid: row.kid,
    alg: row.alg,
    privateJwkCiphertext: row.private_jwk_ciphertext,
    status: row.status,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    publishUntil: row.publish_until,
  };
}

export function createSigningKeyRepository(db: Database) {
  return {
    /** Keys still published: active ones and retired ones whose tokens may not have expired. */
    async listPublished(now: Date): Promise<StoredSigningKey[]> {
      const rows = await db.primary
        .selectFrom('signing_keys')
        .selectAll()
        .where((eb) => eb.or([eb('status', '=', 'active'), eb('publish_until', '>', now)]))
        .orderBy('created_at', 'desc')
        .orderBy('kid')
        .execute();
      return rows.map(toKey);
    },

    async listAll(): Promise<StoredSigningKey[]> {
      const rows = await db.primary.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid').execute();
      return rows.map(toKey);
    },

    /**
     * Retires every active key and inserts the new ones in one transaction, so no instance ever
     * sees a moment with no active key or with two generations active.
     */
    async rotate(newKeys: { kid: string; alg: string; privateJwkCiphertext: string }[], publishUntil: Date): Promise<void> {
      await db.primary.transaction().execute(async (trx) => {
        await trx
          .updateTable('signing_keys')
          .set({ status: 'retired', retired_at: new Date(), publish_until: publishUntil })
          .where('status', '=', 'active')
          .execute();
        await trx
          .insertInto('signing_keys')
          .values(newKeys.map((k) => ({ kid: k.kid, alg: k.alg, private_jwk_ciphertext: k.privateJwkCiphertext, status: 'active' as const })))
          .execute();
      });
    },

    /** Inserts the first generation only when there is none yet; concurrent starts insert once. */
    async insertInitial(newKeys: { kid: string; alg: string; privateJwkCiphertext: string }[]): Promise<boolean> {
      return db.primary.transaction().execute(async (trx) => {
        await sql`lock table signing_keys in exclusive mode`.execute(trx);
        const existing = await trx.selectFrom('signing_keys').select('kid').where('status', '=', 'active').executeTakeFirst();
        if (existing) return false;
        await trx
          .insertInto('signing_keys')
          .values(newKeys.map((k) => ({ kid: k.kid, alg: k.alg, private_jwk_ciphertext: k.privateJwkCiphertext, status: 'active' as const })))
          .execute();
        return true;
      });
    },
  };
}

export type SigningKeyRepository = ReturnType<typeof createSigningKeyRepository>;

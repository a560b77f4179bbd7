/**
 * Every value sealed with ENCRYPTION_KEY(S), across tables, for a reseal after a key rotation
 * (`portcullis keys reseal`): client secrets, private signing keys, TOTP seeds, the parameters of
 * queued mail. A new sealed
 * column belongs in SEALED_COLUMNS, or a reseal leaves it on the old key.
 * Always the primary: a reseal must see every row as it is now.
 */
import type { Database } from '../database.js';

/** Where each sealed column lives and what the value's AAD is built from (the row's id). */
export const SEALED_COLUMNS = {
  client_secret: { table: 'clients', id: 'client_id', column: 'secret_ciphertext' },
  signing_key: { table: 'signing_keys', id: 'kid', column: 'private_jwk_ciphertext' },
  totp_seed: { table: 'account_totp', id: 'account_id', column: 'secret_ciphertext' },
  mail_params: { table: 'mail_outbox', id: 'id', column: 'params_sealed' },
} as const;

export type SealedKind = keyof typeof SEALED_COLUMNS;

export interface SealedValue {
  kind: SealedKind;
  id: string;
  ciphertext: string;
}

export function createSealedValueRepository(db: Database) {
  return {
    async list(kind: SealedKind): Promise<SealedValue[]> {
      const { table, id, column } = SEALED_COLUMNS[kind];
      // The table and column names come from the constant above, never from input.
      const rows = (await db.primary
        .selectFrom(table)
        .select([`${id} as id`, `${column} as ciphertext`] as never)
        .where(column as never, 'is not', null)
        .orderBy(id as never)
        .execute()) as unknown as { id: string; ciphertext: string }[];
      return rows.map((row) => ({ kind, id: row.id, ciphertext: row.ciphertext }));
    },

    /**
     * Compare and set: replaces the value only if it is still `from`, so a secret rotated or a
     * TOTP re-enrolled while the reseal ran is not overwritten with the older one.
     */
    async replace(value: SealedValue, to: string): Promise<boolean> {
      const { table, id, column } = SEALED_COLUMNS[value.kind];
      const result = await db.primary
        .updateTable(table)
        .set({ [column]: to } as never)
        .where(id as never, '=', value.id as never)
        .where(column as never, '=', value.ciphertext as never)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type SealedValueRepository = ReturnType<typeof createSealedValueRepository>;

/**
 * node-oidc-provider's artefacts (sessions, interactions, codes, tokens, grants) as opaque JSON
 * rows keyed by (model, id). Used in embedded mode; production keeps them in Redis.
 * - Every read is on the primary: a code written by one request is redeemed by the next.
 * - `consume` is a single conditional UPDATE, so of many concurrent redemptions exactly one wins.
 */
import { sql } from 'kysely';
import type { Database } from '../database.js';

export interface PayloadRecord {
  payload: Record<string, unknown>;
  consumedAt: Date | null;
}

export function createOidcPayloadRepository(db: Database) {
  const live = (now: Date) => sql<boolean>`(expires_at is null or expires_at > ${now})`;

  return {
    async upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: Date | null): Promise<void> {
      const values = {
        model,
        id,
        payload: JSON.stringify(payload),
        grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
        expires_at: expiresAt,
      };
      await db.primary
        .insertInto('oidc_payloads')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['model', 'id']).doUpdateSet({
            payload: values.payload,
            grant_id: values.grant_id,
            uid: values.uid,
            user_code: values.user_code,
            expires_at: values.expires_at,
          }),
        )
        .execute();
    },

    async find(model: string, id: string, now: Date): Promise<PayloadRecord | undefined> {
      const row = await db.primary
        .selectFrom('oidc_payloads')
        .select(['payload', 'consumed_at'])
        .where('model', '=', model)
        .where('id', '=', id)
        .where(live(now))
        .executeTakeFirst();
      return row && { payload: row.payload, consumedAt: row.consumed_at };
    },

    async findBy(model: string, column: 'uid' | 'user_code', value: string, now: Date): Promise<PayloadRecord | undefined> {
      const row = await db.primary
        .selectFrom('oidc_payloads')
        .select(['payload', 'consumed_at'])
        .where('model', '=', model)
        .where(column, '=', value)
        .where(live(now))
        .executeTakeFirst();
      return row && { payload: row.payload, consumedAt: row.consumed_at };
    },

    /** Marks the row consumed; returns false when it was already consumed or does not exist. */
    async consume(model: string, id: string, now: Date): Promise<boolean> {
      const result = await db.primary
        .updateTable('oidc_payloads')
        .set({ consumed_at: now })
        .where('model', '=', model)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async destroy(model: string, id: string): Promise<void> {
      await db.primary.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
    },

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.primary.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
    },

    /**
     * Ids of the live sessions or grants of one account (payload `accountId`), for ending
     * sessions and revoking grants when the password changes. Uses the expression index of the
     * 2026-11-28T1400 migration.
     */
    async listIdsByAccount(model: 'Session' | 'Grant', accountId: string, now: Date): Promise<string[]> {
      const rows = await db.primary
        .selectFrom('oidc_payloads')
        .select('id')
        .where('model', '=', model)
        .where(sql<string>`payload->>'accountId'`, '=', accountId)
        .where(live(now))
        .execute();
      return rows.map((row) => row.id);
    },

    /** Ids of the live grants of one client (payload `clientId`), for revoking them when the client is deleted; index of the 2026-12-03T1000 migration. */
    async listGrantIdsByClient(clientId: string, now: Date): Promise<string[]> {
      const rows = await db.primary
        .selectFrom('oidc_payloads')
        .select('id')
        .where('model', '=', 'Grant')
        .where(sql<string>`payload->>'clientId'`, '=', clientId)
        .where(live(now))
        .execute();
      return rows.map((row) => row.id);
    },

    /** Deletes expired rows; run periodically so the table does not grow without bound. */
    async deleteExpired(now: Date): Promise<number> {
      const result = await db.primary.deleteFrom('oidc_payloads').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type OidcPayloadRepository = ReturnType<typeof createOidcPayloadRepository>;

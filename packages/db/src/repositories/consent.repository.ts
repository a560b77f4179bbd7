/**
 * Consents remembered per account and client across sessions. Read on the primary: the consent
 * page writes one and the very next authorization request must see it.
 */
import type { Database } from '../database.js';
import type { ConsentRow } from '../schema.js';

export interface Consent {
  accountId: string;
  clientId: string;
  scopes: string[];
  /** When the account first allowed the client (the "since" of "Connected apps"). */
  createdAt: Date;
  updatedAt: Date;
}

export interface ListedConsent extends Consent {
  clientName: string;
}

function toConsent(row: ConsentRow): Consent {
  return { accountId: row.account_id, clientId: row.client_id, scopes: row.scope.split(' ').filter(Boolean), createdAt: row.created_at, updatedAt: row.updated_at };
}

export function createConsentRepository(db: Database) {
  return {
    async find(accountId: string, clientId: string): Promise<Consent | undefined> {
      const row = await db.primary
        .selectFrom('consents')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row && toConsent(row);
    },

    /** Stores the union of what was granted before and what was granted now. */
    async grant(accountId: string, clientId: string, scopes: string[]): Promise<void> {
      const previous = await this.find(accountId, clientId);
      const scope = [...new Set([...(previous?.scopes ?? []), ...scopes])].join(' ');
      await db.primary
        .insertInto('consents')
        .values({ account_id: accountId, client_id: clientId, scope })
        .onConflict((oc) => oc.columns(['account_id', 'client_id']).doUpdateSet({ scope, updated_at: new Date() }))
        .execute();
    },

    /** The account's consents with each client's registered name, for "Connected apps". */
    async listForAccount(accountId: string): Promise<ListedConsent[]> {
      const rows = await db.primary
        .selectFrom('consents')
        .innerJoin('clients', 'clients.client_id', 'consents.client_id')
        .selectAll('consents')
        .select('clients.name as client_name')
        .where('consents.account_id', '=', accountId)
        .orderBy('consents.created_at')
        .orderBy('consents.client_id')
        .execute();
      return rows.map((row) => ({ ...toConsent(row), clientName: row.client_name }));
    },

    /**
     * Forgets the account's consent to one client, or to every client. A deleted client's
     * consents go with it (foreign key, ON DELETE CASCADE).
     */
    async revoke(accountId: string, clientId?: string): Promise<number> {
      let query = db.primary.deleteFrom('consents').where('account_id', '=', accountId);
      if (clientId !== undefined) query = query.where('client_id', '=', clientId);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Forgets every account's consent to one client (its scope was narrowed: client.service.ts). */
    async revokeForClient(clientId: string): Promise<number> {
      const result = await db.primary.deleteFrom('consents').where('client_id', '=', clientId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type ConsentRepository = ReturnType<typeof createConsentRepository>;

/**
 * Registered clients. The secret is stored as ciphertext; encrypting and decrypting it is the
 * caller's job (the repository never sees the key). Lookups for the provider go to the reader
 * with a primary fallback, so a client created a moment ago works at once.
 */
import { readerThenPrimary, type Database } from '../database.js';
import type { ClientRow } from '../schema.js';

export interface StoredClient {
  clientId: string;
  name: string;
  firstParty: boolean;
  metadata: Record<string, unknown>;
  secretCiphertext: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function toClient(row: ClientRow): StoredClient {
  return {
    clientId: row.client_id,
    name: row.name,
    firstParty: row.first_party,
    metadata: row.metadata,
    secretCiphertext: row.secret_ciphertext,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createClientRepository(db: Database) {
  return {
    async insert(client: Omit<StoredClient, 'createdAt' | 'updatedAt'>): Promise<StoredClient> {
      const row = await db.primary
        .insertInto('clients')
        .values({
          client_id: client.clientId,
          name: client.name,
          first_party: client.firstParty,
          metadata: JSON.stringify(client.metadata),
          secret_ciphertext: client.secretCiphertext,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toClient(row);
    },

    /** For the provider: reader first, primary when the replica has not caught up. */
    async findById(clientId: string): Promise<StoredClient | undefined> {
      const row = await readerThenPrimary(db, (handle) => handle.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst());
      return row && toClient(row);
    },

    /** For admin changes: primary, because an update reads then writes the same row. */
    async findByIdOnPrimary(clientId: string): Promise<StoredClient | undefined> {
      const row = await db.primary.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return row && toClient(row);
    },

    async list(): Promise<StoredClient[]> {
      const rows = await db.reader.selectFrom('clients').selectAll().orderBy('created_at', 'asc').orderBy('client_id').execute();
      return rows.map(toClient);
    },

    async update(
      clientId: string,
      changes: Partial<Pick<StoredClient, 'name' | 'firstParty' | 'metadata' | 'secretCiphertext'>>,
    ): Promise<StoredClient | undefined> {
      const row = await db.primary
        .updateTable('clients')
        .set({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.firstParty !== undefined && { first_party: changes.firstParty }),
          ...(changes.metadata !== undefined && { metadata: JSON.stringify(changes.metadata) }),
          ...(changes.secretCiphertext !== undefined && { secret_ciphertext: changes.secretCiphertext }),
          updated_at: new Date(),
        })
        .where('client_id', '=', clientId)
        .returningAll()
        .executeTakeFirst();
      return row && toClient(row);
    },

    async delete(clientId: string): Promise<boolean> {
      const result = await db.primary.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type ClientRepository = ReturnType<typeof createClientRepository>;

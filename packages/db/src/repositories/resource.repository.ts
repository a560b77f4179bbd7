/**
 * Resource servers (RFC 8707). Every instance keeps the whole (small) table in memory
 * (server: resources/resource-registry.ts) and reloads it after a change, so reads here are rare:
 * `list` reads the primary, because it runs right after a change, when a replica may lag.
 */
import type { Database } from '../database.js';
import { isUniqueViolation } from '../database.js';
import type { ResourceRow } from '../schema.js';

export interface StoredResource {
  identifier: string;
  name: string;
  scopes: string[];
  accessTokenFormat: 'jwt' | 'opaque';
  /** Seconds. */
  accessTokenTtl: number;
  createdAt: Date;
  updatedAt: Date;
}

export class DuplicateResourceError extends Error {
  constructor() {
    super('a resource with this identifier exists');
    this.name = 'DuplicateResourceError';
  }
}

function toResource(row: ResourceRow): StoredResource {
  return {
    identifier: row.identifier,
    name: row.name,
    scopes: row.scopes,
    accessTokenFormat: row.access_token_format === 'opaque' ? 'opaque' : 'jwt',
    accessTokenTtl: row.access_token_ttl,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createResourceRepository(db: Database) {
  return {
    async insert(resource: Omit<StoredResource, 'createdAt' | 'updatedAt'>): Promise<StoredResource> {
      try {
        const row = await db.primary
          .insertInto('resources')
          .values({ identifier: resource.identifier, name: resource.name, scopes: resource.scopes, access_token_format: resource.accessTokenFormat, access_token_ttl: resource.accessTokenTtl })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toResource(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateResourceError();
        throw error;
      }
    },

    /** Primary: an update reads then writes the same row. */
    async find(identifier: string): Promise<StoredResource | undefined> {
      const row = await db.primary.selectFrom('resources').selectAll().where('identifier', '=', identifier).executeTakeFirst();
      return row && toResource(row);
    },

    /** Primary: called right after a change (see above). */
    async list(): Promise<StoredResource[]> {
      const rows = await db.primary.selectFrom('resources').selectAll().orderBy('created_at', 'asc').orderBy('identifier').execute();
      return rows.map(toResource);
    },

    async update(identifier: string, changes: Partial<Pick<StoredResource, 'name' | 'scopes' | 'accessTokenFormat' | 'accessTokenTtl'>>): Promise<StoredResource | undefined> {
      const row = await db.primary
        .updateTable('resources')
        .set({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.scopes !== undefined && { scopes: changes.scopes }),
          ...(changes.accessTokenFormat !== undefined && { access_token_format: changes.accessTokenFormat }),
          ...(changes.accessTokenTtl !== undefined && { access_token_ttl: changes.accessTokenTtl }),
          updated_at: new Date(),
        })
        .where('identifier', '=', identifier)
        .returningAll()
        .executeTakeFirst();
      return row && toResource(row);
    },

    async delete(identifier: string): Promise<boolean> {
      const result = await db.primary.deleteFrom('resources').where('identifier', '=', identifier).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type ResourceRepository = ReturnType<typeof createResourceRepository>;

/**
 * Run-time settings, one JSON document per key (branding). Read on the primary: the instance that
 * stores a change reads it back at once, and the readers are never asked for something this small
 * and this rarely read (the server caches it).
 */
import { sql } from 'kysely';
import type { Database } from '../database.js';

export function createSettingsRepository(db: Database) {
  return {
    async get(key: string): Promise<Record<string, unknown> | undefined> {
      const row = await db.primary.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },

    async put(key: string, value: Record<string, unknown>): Promise<void> {
      const json = JSON.stringify(value);
      await db.primary
        .insertInto('settings')
        .values({ key, value: json })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
        .execute();
    },

    /**
     * Sets the given fields of the stored document, keeping the others, in one statement: two
     * instances setting different fields at once both keep theirs, and nothing is built on a
     * cached or fallback copy (jsonb `||`, the right side wins per key).
     */
    async merge(key: string, fields: Record<string, unknown>): Promise<void> {
      const json = JSON.stringify(fields);
      await db.primary
        .insertInto('settings')
        .values({ key, value: json })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql<string>`settings.value || excluded.value`, updated_at: new Date() }))
        .execute();
    },

    async remove(key: string): Promise<void> {
      await db.primary.deleteFrom('settings').where('key', '=', key).execute();
    },
  };
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;

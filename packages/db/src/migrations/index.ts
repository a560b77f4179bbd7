/** Every migration, in order. Names are date-prefixed and never change once released. */
import type { Migration } from 'kysely/migration';
import * as initial from './2026-11-28T0001-initial.js';

export const migrations: Record<string, Migration> = {
  '2026-11-28T0001-initial': initial,
};

/**
 * `node packages/db/src/migrate.main.ts` (built: `packages/db/dist/migrate.main.js`): applies the
 * pending migrations to the database the environment names, prints one JSON line
 * (`{"applied":[…]}`) and exits. Kubernetes runs it as the migration Job and as the app pods'
 * init container (deploy/kubernetes/base/app), so a rollout's schema is in place before its
 * first pod serves. It reads the same variables as the server (a bad one exits 1, naming it)
 * and needs DATABASE_URL: embedded mode's database is migrated by the server itself.
 * - Idempotent: nothing pending is a no-op (exit 0, `applied: []`).
 * - A failure rolls the whole set back (migrator.ts) and exits 1 with the failing migration's
 *   name; the connection URL, which holds the password, is never printed.
 */
import { ConfigError, loadConfig } from '@portcullis/config';
import { migrateToLatest } from './migrator.js';
import { openDatabase } from './open-database.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  if (config.mode !== 'production') {
    // Embedded mode's database belongs to the server, which migrates it at every start.
    process.stderr.write('portcullis: migrate needs DATABASE_URL (production mode); in embedded mode the server migrates at start\n');
    return 1;
  }
  const db = await openDatabase(config);
  try {
    const report = await migrateToLatest(db);
    process.stdout.write(`${JSON.stringify({ applied: report.applied })}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`portcullis: migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

/**
 * The migration entry point Kubernetes runs (migrate.main.ts) against a real PostgreSQL: the
 * first run applies every migration, the second applies none, and a bad environment or a
 * missing DATABASE_URL exits 1 with a one-line reason, without touching the database.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startPostgresServer, type PostgresServer } from './drivers/postgres-server.test-support.js';
import { migrations } from './migrations/index.js';

const run = promisify(execFile);
const ENTRY = path.join(import.meta.dirname, 'migrate.main.ts');

function migrate(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', ENTRY], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
}

describe('migrate.main (the migration Job and init container)', () => {
  let pg: PostgresServer;
  let env: Record<string, string>;
  before(async () => {
    pg = await startPostgresServer();
    env = {
      NODE_ENV: 'production',
      DATABASE_URL: pg.url,
      COOKIE_KEYS: randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ADMIN_TOKEN: randomBytes(32).toString('hex'),
    };
  });
  after(async () => pg?.close());

  it('applies every migration once, then none', async () => {
    const first = await migrate(env);
    assert.deepEqual(JSON.parse(first.stdout), { applied: Object.keys(migrations) });
    const second = await migrate(env);
    assert.deepEqual(JSON.parse(second.stdout), { applied: [] });
  });

  it('exits 1 without DATABASE_URL (embedded mode migrates in the server)', async () => {
    const { DATABASE_URL: _unused, ...embedded } = env;
    await assert.rejects(migrate(embedded), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr ?? '', /needs DATABASE_URL/);
      return true;
    });
  });

  it('exits 1 naming a bad variable', async () => {
    await assert.rejects(migrate({ ...env, ENCRYPTION_KEY: 'short' }), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr ?? '', /ENCRYPTION_KEY/);
      return true;
    });
  });
});

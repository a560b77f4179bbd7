/**
 * Starts a real Portcullis (embedded mode, PGlite in memory, real HTTP listeners on free
 * loopback ports) for integration tests. Each call is an isolated server with its own database
 * and secrets; `close()` stops everything.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@portcullis/config';
import { createPortcullis, type Portcullis } from '@portcullis/server';
import type { LimitPolicy } from '@portcullis/server/limits/limit-policy.js';
import type { RecoveryOptions } from '@portcullis/server/recovery/recovery-options.js';
import { closeAll, createLogger, listen } from '@portcullis/server';
import { freePort } from '@portcullis/db/testing/free-port';
import { embeddedMailDir, registerMailDir } from './mail.js';

export { freePort };

export interface TestServer {
  issuer: string;
  adminUrl: string;
  adminToken: string;
  dataDir: string;
  app: Portcullis;
  /** Calls the admin API with the admin token; returns status and parsed JSON. */
  admin(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}


export interface TestServerOptions {
  /** Keep PGlite in DATA_DIR on disk instead of memory (restart tests). */
  dataDir?: string;
  /** Reuse these ports (a restart keeps the issuer). */
  ports?: { port: number; adminPort: number };
  /** Replaces some rate limits (short windows); always an embedded server. */
  limits?: Partial<LimitPolicy>;
  /** Account links' clock, lifetimes and the forgot-password floor (recovery tests); always an embedded server. */
  recovery?: RecoveryOptions;
  /** Keeps the OIDC artefacts in this Redis (testing/redis-server.ts); always an embedded server. */
  redisUrl?: string;
  /** A jwks_uri origin served from a local listener (oidc/jwks-fetch-guard.ts); always an embedded server. */
  unsafeTestOnlyJwksOrigin?: { origin: string; target: string };
}

/**
 * The test runner's own addresses skip the per-address limits, as the stack's Nginx exempts
 * it (STACK_NGINX_LIMIT_EXEMPT): suites sign in hundreds of times from one address. Tests of
 * the limits set RATE_LIMIT_EXEMPT to '' (or send X-Forwarded-For with TRUST_PROXY on).
 */
const LOOPBACK = '127.0.0.1,::1';

/** Set by `npm test` when the suites run a second time, against the local production stack. */
export const STACK_MODE = process.env.PORTCULLIS_TEST_TARGET === 'stack';

export function stackEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the stack suites through npm test (it exports infra/local/stack.sh env)`);
  return value;
}

/**
 * The production stack as a TestServer: the issuer is Nginx in front of the app instances, the
 * admin API is instance 1's. `app` is an in-process Portcullis built on the same PostgreSQL,
 * replicas and Redis (it does not listen), so tests can inspect the stores the instances share.
 */
async function useStack(): Promise<TestServer> {
  const adminToken = stackEnv('STACK_ADMIN_TOKEN');
  const config = loadConfig({
    DATABASE_URL: stackEnv('STACK_PGBOUNCER_URL'),
    DATABASE_READ_URL: stackEnv('STACK_READ_URL'),
    // Through the Sentinels, as the stack's instances: the primary may have moved (drill 3).
    REDIS_SENTINELS: stackEnv('STACK_REDIS_SENTINELS'),
    REDIS_SENTINEL_NAME: stackEnv('STACK_REDIS_SENTINEL_NAME'),
    ISSUER: stackEnv('STACK_ISSUER'),
    COOKIE_KEYS: stackEnv('STACK_COOKIE_KEYS'),
    ENCRYPTION_KEY: stackEnv('STACK_ENCRYPTION_KEY'),
    ADMIN_TOKEN: adminToken,
    TRUST_PROXY: 'true',
    LOG_LEVEL: 'error',
  });
  const app = await createPortcullis(config, { logger: createLogger('error', { silent: process.env.PORTCULLIS_TEST_LOGS !== 'true' }) });
  const adminUrl = stackEnv('STACK_ADMIN_URLS').split(',')[0]!;
  // The stack's instances send to its SMTP sink; this in-process instance has no SMTP_URL and sends nothing.
  registerMailDir(config.issuer, stackEnv('STACK_SMTP_DIR'));
  return {
    issuer: config.issuer,
    adminUrl,
    adminToken,
    dataDir: stackEnv('STACK_DIR'),
    app,
    admin: (method, pathname, body) => callAdmin(adminUrl, adminToken, method, pathname, body),
    close: () => app.close(),
  };
}

/** One admin API call with the bearer token; the body parsed when there is one. */
export async function callAdmin(adminUrl: string, token: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${adminUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * A running Portcullis for a test file: embedded (fresh, in memory) by default; the shared
 * production stack when `npm test` runs the suites against it. `env` and `options` apply to
 * embedded servers only.
 */
export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  if (STACK_MODE && Object.keys(env).length === 0 && options.dataDir === undefined && options.limits === undefined && options.redisUrl === undefined && options.unsafeTestOnlyJwksOrigin === undefined && options.recovery === undefined) return useStack();
  const { port, adminPort } = options.ports ?? { port: await freePort(), adminPort: await freePort() };
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'portcullis-test-')));
  const loaded = loadConfig({ PORT: String(port), ADMIN_PORT: String(adminPort), DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'error', RATE_LIMIT_EXEMPT: LOOPBACK, ...env });
  // The environment allows REDIS_URL only in production mode; the composition root takes it on any Config.
  const config = options.redisUrl === undefined ? loaded : { ...loaded, redisUrl: options.redisUrl };
  const logger = createLogger('error', { silent: process.env.PORTCULLIS_TEST_LOGS !== 'true' });
  const app = await createPortcullis(config, { inMemoryDatabase: options.dataDir === undefined, logger, ...(options.limits && { limits: options.limits }), ...(options.unsafeTestOnlyJwksOrigin && { unsafeTestOnlyJwksOrigin: options.unsafeTestOnlyJwksOrigin }), ...(options.recovery && { recovery: options.recovery }) });
  const servers = [...(await listen(app.publicApp, 'localhost', port)), ...(await listen(app.adminApp, '127.0.0.1', adminPort))];
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  // Without SMTP_URL its mail is files in DATA_DIR/mail (test/support/mail.ts reads them).
  registerMailDir(config.issuer, embeddedMailDir(dataDir));
  return {
    issuer: config.issuer,
    adminUrl,
    adminToken: app.adminToken,
    dataDir,
    app,
    admin: (method, pathname, body) => callAdmin(adminUrl, app.adminToken, method, pathname, body),
    async close() {
      await closeAll(servers);
      await app.close();
      // A caller that chose the data directory owns it (and may start again on it).
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

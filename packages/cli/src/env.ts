/**
 * The environment variables the CLI reads, validated once with zod.
 * - The same names as the server's schema (packages/config/src/env.schema.ts) and the same defaults
 *   (@portcullis/contract), but only these four: the CLI must keep working when an unrelated server
 *   variable (REDIS_URL, ISSUER, ...) is missing or wrong, and must not demand production secrets it
 *   never uses.
 * - An empty variable (`ADMIN_TOKEN=`) means "not set", as in the server's config.
 */
import { z } from 'zod';
import { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT, DEFAULT_DATA_DIR } from '@portcullis/contract';
import { CliError } from './cli.error.js';

const notAPort = 'must be a port number (1-65535)';

const adminEnvSchema = z.object({
  ADMIN_HOST: z.string().trim().min(1).default(DEFAULT_ADMIN_HOST),
  ADMIN_PORT: z.coerce.number({ error: notAPort }).int(notAPort).min(1, notAPort).max(65535, notAPort).default(DEFAULT_ADMIN_PORT),
  ADMIN_TOKEN: z.string().optional(),
  DATA_DIR: z.string().trim().min(1).default(DEFAULT_DATA_DIR),
});

export interface AdminEnv {
  adminHost: string;
  adminPort: number;
  adminToken: string | undefined;
  dataDir: string;
}

export function parseAdminEnv(env: Record<string, string | undefined>): AdminEnv {
  const wanted = Object.keys(adminEnvSchema.shape).filter((name) => env[name] !== undefined && env[name] !== '');
  const parsed = adminEnvSchema.safeParse(Object.fromEntries(wanted.map((name) => [name, env[name]])));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    throw new CliError('cli.config', `invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return { adminHost: e.ADMIN_HOST, adminPort: e.ADMIN_PORT, adminToken: e.ADMIN_TOKEN, dataDir: e.DATA_DIR };
}

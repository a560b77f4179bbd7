/**
 * Decides where the admin API is and which token to send. Precedence, highest first:
 * - URL:   --admin-url, then ADMIN_HOST/ADMIN_PORT when either is set, then the running embedded
 *          server's DATA_DIR/admin.json, then the defaults (http://127.0.0.1:9464)
 * - token: --token, then ADMIN_TOKEN, then admin.json (when the URL is that server's), then
 *          DATA_DIR/secrets.json (written by the server's first start)
 * Called only after a command has validated its own input, so a bad flag never needs a token.
 */
import { z } from 'zod';
import { CliError, usageError } from './cli.error.js';
import { parseAdminEnv } from './env.js';
import { parseOrThrow } from './validate.js';
import type { CliIo } from './io.js';
import { readAdminTokenFile, secretsFilePath } from './secrets-file.js';
import { readRunningServer } from './admin-file.js';

export interface Connection {
  /** Origin plus optional path prefix, never with a trailing slash. */
  baseUrl: string;
  token: string;
}

const globalFlagsSchema = z.object({
  adminUrl: z.string().optional(),
  token: z.string().min(1, '--token must not be empty').optional(),
});

export async function resolveConnection(io: CliIo, flags: Record<string, unknown>): Promise<Connection> {
  const { adminUrl, token: flagToken } = parseOrThrow(globalFlagsSchema, flags);
  const env = parseAdminEnv(io.env);

  const cwd = io.cwd ?? process.cwd();
  const envChoosesUrl = [io.env.ADMIN_HOST, io.env.ADMIN_PORT].some((value) => value !== undefined && value !== '');
  const running = adminUrl === undefined && !envChoosesUrl ? await readRunningServer(env.dataDir, cwd) : undefined;
  const baseUrl = adminUrl !== undefined ? parseAdminUrl(adminUrl) : running ? running.adminUrl.replace(/\/+$/, '') : envBaseUrl(env.adminHost, env.adminPort);
  const token = flagToken ?? env.adminToken ?? running?.adminToken ?? (await tokenFromDataDir(env.dataDir, cwd));
  return { baseUrl, token };
}

async function tokenFromDataDir(dataDir: string, cwd: string): Promise<string> {
  const file = secretsFilePath(dataDir, cwd);
  const token = await readAdminTokenFile(file);
  if (token === undefined) {
    throw new CliError(
      'cli.no_token',
      `no admin token: start the server once (npm start) to create ${file}, or set ADMIN_TOKEN`,
    );
  }
  return token;
}

/**
 * ADMIN_HOST is the server's bind address. A wildcard bind is reachable on loopback, and connecting to
 * the wildcard itself does not work everywhere, so the CLI dials loopback instead.
 */
function envBaseUrl(host: string, port: number): string {
  const dialHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const bracketed = dialHost.includes(':') && !dialHost.startsWith('[') ? `[${dialHost}]` : dialHost;
  return `http://${bracketed}:${port}`;
}

function parseAdminUrl(value: string): string {
  if (!URL.canParse(value)) throw usageError(`--admin-url ${JSON.stringify(value)}: not an absolute URL`);
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--admin-url ${JSON.stringify(value)}: must be an http(s) URL`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw usageError(`--admin-url ${JSON.stringify(value)}: must not carry a query, fragment or credentials`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

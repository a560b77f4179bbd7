/**
 * What an operator reads when the server cannot start: one line, in the terms of the
 * configuration they wrote (the variable, its value, what to do), never a stack trace.
 * - A port already taken names PORT or ADMIN_PORT and the port.
 * - A database that cannot be reached names DATABASE_URL (or DATABASE_READ_URL), shown without
 *   its password or query string; Redis the same with REDIS_URL, or REDIS_SENTINELS for a Sentinel.
 * - Data encrypted with another key names ENCRYPTION_KEY and, in embedded mode, secrets.json.
 * Anything else keeps its own message.
 */
import type http from 'node:http';
import path from 'node:path';
import type Koa from 'koa';
import type { Config } from '@portcullis/config';
import { SECRETS_FILE_NAME } from '@portcullis/contract';
import { listen } from './listen.js';
import { SecretBoxError } from './crypto/secret-box.js';
import { errorMessage } from './error-message.js';

/** An error whose message is already written for the operator. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** `listen`, with a refused bind explained in terms of the variable that chose the port. */
export async function listenOn(variable: 'PORT' | 'ADMIN_PORT', app: Koa, host: string, port: number): Promise<http.Server[]> {
  try {
    return await listen(app, host, port);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EADDRINUSE') throw new StartupError(`${variable} ${port} is already in use on ${host} (another program listens there); stop it or set ${variable} to a free port`);
    if (code === 'EACCES') throw new StartupError(`${variable} ${port} cannot be opened on ${host}: permission denied (ports below 1024 need privileges); set ${variable} to a port above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new StartupError(`${variable === 'PORT' ? 'HOST' : 'ADMIN_HOST'} ${host} is not an address of this machine (${code})`);
    throw error;
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

export function describeStartupError(error: unknown, config: Readonly<Config> | undefined): string {
  if (error instanceof StartupError) return error.message;
  if (error instanceof SecretBoxError) {
    const embedded = config?.mode === 'embedded';
    // Which variable holds the key: a ring (ENCRYPTION_KEYS) or the single key it replaces.
    const variable = process.env.ENCRYPTION_KEYS ? 'ENCRYPTION_KEYS' : 'ENCRYPTION_KEY';
    const where = embedded && config.secrets.encryptionKeys === undefined ? `the ENCRYPTION_KEY kept in ${path.join(config.dataDir, SECRETS_FILE_NAME)}` : variable;
    const remedy = embedded
      ? `set ${variable} to the key the data was written with, or unset it to use the one in ${SECRETS_FILE_NAME}`
      : `set ${variable} to the key the data was written with (a ring must still hold it until \`portcullis keys reseal\` has run)`;
    return `${where} does not open the data encrypted at rest (signing keys, client secrets, TOTP seeds): it is not the key this database was set up with; ${remedy}`;
  }
  const unreachable = unreachableTarget(error);
  if (unreachable && config) {
    const variable = whichUrl(unreachable, config);
    if (variable) return `cannot reach ${WHAT[variable]} at ${variable} (${shown(variable, config)}): ${unreachable.code}; is it running, and is the address right?`;
  }
  if (config?.database.url && /timeout.*connect|connection timeout|Connection terminated/i.test(errorMessage(error))) {
    return `cannot reach DATABASE_URL (${redact(config.database.url)}): ${errorMessage(error)}`;
  }
  if (config?.redisUrl && /redis/i.test(errorMessage(error)) && /connect|timed? ?out|closed/i.test(errorMessage(error))) {
    return `cannot reach REDIS_URL (${redact(config.redisUrl)}): ${errorMessage(error)}`;
  }
  return errorMessage(error);
}

interface Target {
  code: string;
  port?: number;
  /** The host name a lookup failed for (ENOTFOUND, EAI_AGAIN). */
  hostname?: string;
}

/** A network error, or an AggregateError of them (Node tries every address of a host name). */
function unreachableTarget(error: unknown): Target | undefined {
  const nested: unknown[] = error instanceof AggregateError ? (error.errors as unknown[]) : [];
  const candidates = [error, ...nested, error instanceof Error ? error.cause : undefined];
  for (const candidate of candidates) {
    const code = errorCode(candidate);
    if (code && UNREACHABLE.has(code)) {
      const { port, hostname } = candidate as { port?: unknown; hostname?: unknown };
      return { code, port: typeof port === 'number' ? port : undefined, hostname: typeof hostname === 'string' ? hostname : undefined };
    }
  }
  return undefined;
}

type UrlVariable = 'DATABASE_URL' | 'DATABASE_READ_URL' | 'REDIS_URL' | 'REDIS_SENTINELS';

const WHAT: Record<UrlVariable, string> = { DATABASE_URL: 'the database', DATABASE_READ_URL: 'the database', REDIS_URL: 'Redis', REDIS_SENTINELS: 'the Redis Sentinels' };

/** The hosts and ports each variable names. */
function endpointsOf(variable: UrlVariable, config: Readonly<Config>): { hostname: string; port: number }[] {
  if (variable === 'REDIS_SENTINELS') return [...(config.redisSentinel?.sentinels ?? [])].map(({ host, port }) => ({ hostname: host, port }));
  const url = variable === 'DATABASE_URL' ? config.database.url : variable === 'DATABASE_READ_URL' ? config.database.readUrl : config.redisUrl;
  if (url === undefined || !URL.canParse(url)) return [];
  const parsed = new URL(url);
  return [{ hostname: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : parsed.protocol.startsWith('redis') ? 6379 : 5432 }];
}

function shown(variable: UrlVariable, config: Readonly<Config>): string {
  if (variable === 'REDIS_SENTINELS') return (config.redisSentinel?.sentinels ?? []).map(({ host, port }) => `${host}:${port}`).join(',');
  return redact((variable === 'DATABASE_URL' ? config.database.url : variable === 'DATABASE_READ_URL' ? config.database.readUrl : config.redisUrl)!);
}

/**
 * The variable naming the port (or, for a failed lookup, the host) the failed connection used;
 * none when no variable matches: naming the wrong one would send the operator the wrong way.
 */
function whichUrl(target: Target, config: Readonly<Config>): UrlVariable | undefined {
  const variables: UrlVariable[] = ['DATABASE_URL', 'DATABASE_READ_URL', 'REDIS_URL', 'REDIS_SENTINELS'];
  return variables.find((variable) =>
    endpointsOf(variable, config).some((endpoint) => (target.port !== undefined ? endpoint.port === target.port : target.hostname !== undefined && endpoint.hostname === target.hostname)),
  );
}

/**
 * Only scheme://user@host:port/path of a URL: never its password, nor its query string, which
 * can carry one too (`?password=`, `sslpassword=`), nor its fragment.
 */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.username ? `${parsed.username}@` : ''}${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * The environment variables Portcullis reads, validated in one pass.
 * - Every variable is parsed here and nowhere else; the rest of the code receives a typed `Config`.
 * - A bad start names every bad variable at once, so an operator fixes them in one go.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT, DEFAULT_DATA_DIR } from '@portcullis/contract';
import { rateLimitEnvShape } from './rate-limits.js';
import { dcrEnvShape } from './dcr-env.js';
import { brandingEnvShape } from './branding-env.js';

/**
 * A whole number in [min, max], refused in the operator's words ("must be a port number
 * (1-65535)"), not zod's ("expected number, received NaN").
 */
function wholeNumber(min: number, max: number, what = 'a whole number') {
  const message = `must be ${what} (${min}-${max})`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
}

const port = wholeNumber(1, 65535, 'a port number');
/** A connection-pool size: at least one connection, and a sanity cap well above any sane value. */
const poolSize = wholeNumber(1, 1000);
/** A timeout in milliseconds: long enough to do anything at all, short enough to fail a request. */
const timeoutMs = wholeNumber(100, 60_000, 'a number of milliseconds');
/** `host:port,host:port,...`: the Redis Sentinels to ask for the current primary. */
const sentinelList = z
  .string()
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^[^\s:/]+:\d{1,5}$/, 'must be a comma-separated list of host:port')
          .transform((entry) => {
            const at = entry.lastIndexOf(':');
            return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
          })
          .refine((sentinel) => sentinel.port >= 1 && sentinel.port <= 65535, 'each port must be 1-65535'),
      )
      .min(1, 'must name at least one Sentinel'),
  );
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** Cookie signing keys: newest first; older keys still verify cookies during a rotation. */
const cookieKeys = z
  .string()
  .transform((value) => value.split(',').map((key) => key.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(32, 'each cookie key needs at least 32 characters')).min(1));

/** The key that encrypts secrets at rest (client secrets, private signing keys): 32 bytes, base64. */
const encryptionKey = z
  .string()
  .transform((value) => Buffer.from(value.trim(), 'base64'))
  .refine((key) => key.length === 32, 'must be 32 bytes encoded as base64');

/**
 * A key ring for a rotation, newest first: new seals use the first key, a sealed value opens
 * with any of them (docs/operations.md "Rotating ENCRYPTION_KEY").
 */
const encryptionKeys = z
  .string()
  .transform((value) => value.split(',').map((key) => key.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string().transform((key) => Buffer.from(key, 'base64')).refine((key) => key.length === 32, 'each key must be 32 bytes encoded as base64'))
      .min(1, 'must hold at least one key')
      .refine((keys) => new Set(keys.map((key) => key.toString('hex'))).size === keys.length, 'holds the same key twice'),
  );

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: port.default(3000),
    HOST: z.string().trim().min(1).default('localhost'),
    ISSUER: httpUrl.optional(),
    // The CLI finds the admin API with the same defaults (@portcullis/contract).
    ADMIN_PORT: port.default(DEFAULT_ADMIN_PORT),
    ADMIN_HOST: z.string().trim().min(1).default(DEFAULT_ADMIN_HOST),
    DATA_DIR: z.string().trim().min(1).default(DEFAULT_DATA_DIR),
    LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
    DATABASE_READ_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).optional(),
    // Redis behind Sentinel (docs/configuration.md): the app asks these for the primary and
    // follows a promotion by itself. Instead of REDIS_URL, never with it.
    REDIS_SENTINELS: sentinelList.optional(),
    REDIS_SENTINEL_NAME: z.string().trim().regex(/^[A-Za-z0-9._-]+$/, 'must be the name the Sentinels monitor (letters, digits, . _ -)').optional(),
    // Fail-fast limits (production mode): a dependency that is down fails a request with 503
    // within these bounds instead of hanging it. Documented in README and docs/configuration.md.
    DATABASE_POOL_SIZE: poolSize.default(10),
    DATABASE_READ_POOL_SIZE: poolSize.default(10),
    DATABASE_TIMEOUT_MS: timeoutMs.default(5000),
    DATABASE_CONNECT_TIMEOUT_MS: timeoutMs.default(3000),
    REDIS_TIMEOUT_MS: timeoutMs.default(2000),
    COOKIE_KEYS: cookieKeys.optional(),
    ENCRYPTION_KEY: encryptionKey.optional(),
    ENCRYPTION_KEYS: encryptionKeys.optional(),
    ADMIN_TOKEN: z.string().min(32, 'needs at least 32 characters').optional(),
    DEMO: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
    PASSWORD_MIN_LENGTH: wholeNumber(8, 64).default(8),
    // Who may join (docs/configuration.md): open (anyone registers), invite (admins create and
    // invite), closed (no new accounts at all).
    REGISTRATION: z.enum(['open', 'invite', 'closed'], { error: 'must be open, invite or closed' }).default('open'),
    // Observability (docs/operations.md): how many client ids get their own metric label (the
    // rest share `other`), and a central log collector to ship JSON lines to.
    // SIGTERM: how long /readyz reports not-ready before the public listener stops accepting
    // (for balancers that poll readiness; Kubernetes: a few seconds).
    SHUTDOWN_READINESS_GRACE_MS: wholeNumber(0, 60_000, 'a number of milliseconds').default(0),
    METRICS_MAX_CLIENT_LABELS: wholeNumber(0, 1000).default(50),
    LOG_SHIP_URL: z.string().trim().regex(/^syslog\+tcp:\/\/[^/:]+:\d{1,5}\/?$/, 'must look like syslog+tcp://host:port').optional(),
    // Client addresses exempt from the per-address, per-client and per-account-and-address
    // limits (a test runner, a health checker); the per-account limits apply to everyone.
    RATE_LIMIT_EXEMPT: z
      .string()
      .transform((value) => value.split(',').map((ip) => ip.trim()).filter(Boolean))
      .pipe(z.array(z.string().refine((ip) => isIP(ip) !== 0, 'must be a comma-separated list of IP addresses')))
      .default([]),
    // Mail (docs/email.md): where the outbox's sender delivers, and who the messages are from.
    // Credentials may sit in the URL; they are never logged (startup-error.ts redacts it).
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
    MAIL_FROM: z
      .string()
      .trim()
      .regex(/^(?:[^<>\r\n"]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/, 'must be an address (no-reply@example.com) or "Name <no-reply@example.com>"')
      .optional(),
    MAIL_RETRY_BASE_MS: wholeNumber(100, 3_600_000, 'a number of milliseconds').default(30_000),
    MAIL_MAX_ATTEMPTS: wholeNumber(1, 50).default(10),
    // Every brute-force and anti-automation limit (rate-limits.ts: syntax, defaults, rules).
    ...rateLimitEnvShape,
    // What every page shows of the operator (branding-env.ts).
    ...brandingEnvShape,
    // Dynamic client registration and the refresh reuse window (dcr-env.ts).
    ...dcrEnvShape,
  })
  .superRefine((env, ctx) => {
    // One port cannot serve both listeners; refused here rather than as a bind error later.
    if (env.PORT === env.ADMIN_PORT) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PORT'], message: `must differ from PORT (both are ${env.PORT})` });
    }
    if (env.DATABASE_READ_URL && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_READ_URL'], message: 'needs DATABASE_URL as well' });
    }
    if (env.REDIS_URL && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'needs DATABASE_URL as well (production mode)' });
    }
    if (env.REDIS_SENTINELS && env.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINELS'], message: 'set either REDIS_URL (one Redis) or REDIS_SENTINELS (Redis behind Sentinel), not both' });
    }
    if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_NAME'], message: 'is required with REDIS_SENTINELS (the name the Sentinels monitor)' });
    }
    if (env.REDIS_SENTINEL_NAME && !env.REDIS_SENTINELS) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_NAME'], message: 'needs REDIS_SENTINELS as well' });
    }
    if (env.REDIS_SENTINELS && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINELS'], message: 'needs DATABASE_URL as well (production mode)' });
    }
    if (env.ENCRYPTION_KEY && env.ENCRYPTION_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['ENCRYPTION_KEYS'], message: 'set either ENCRYPTION_KEY (one key) or ENCRYPTION_KEYS (a key ring, newest first), not both' });
    }
    if (env.DATABASE_URL) {
      if (!env.ENCRYPTION_KEY && !env.ENCRYPTION_KEYS) {
        ctx.addIssue({ code: 'custom', path: ['ENCRYPTION_KEY'], message: 'is required in production mode (DATABASE_URL is set); or ENCRYPTION_KEYS' });
      }
      for (const name of ['COOKIE_KEYS', 'ADMIN_TOKEN'] as const) {
        if (env[name] === undefined) {
          ctx.addIssue({ code: 'custom', path: [name], message: 'is required in production mode (DATABASE_URL is set)' });
        }
      }
    }
  });

export type RawEnv = z.input<typeof envSchema>;
export type ParsedEnv = z.output<typeof envSchema>;


/**
 * Builds the frozen `Config` every other package receives.
 * - Pure: reads only the object it is given (normally `process.env`), never the file system.
 * - Embedded mode (no DATABASE_URL): secrets may be absent here; the server generates them once
 *   and keeps them in DATA_DIR. Production mode: secrets are required (see env.schema.ts).
 */
import path from 'node:path';
import { envSchema } from './env.schema.js';
import { ConfigError } from './config.error.js';
import type { BrandingSettings } from '@portcullis/contract';
import { toRateLimits, type RateLimits } from './rate-limits.js';
import { toBranding } from './branding-env.js';
import type { DynamicRegistrationMode } from './dcr-env.js';

export type Mode = 'embedded' | 'production';
/** REGISTRATION: who may join (see Config.registration). */
export type Registration = 'open' | 'invite' | 'closed';

export interface Secrets {
  /** Cookie signing keys, newest first. */
  cookieKeys: string[];
  /** 32-byte AES-256-GCM keys for secrets at rest, newest first (the first one seals). */
  encryptionKeys: Buffer[];
  /** Bearer token for the admin API. */
  adminToken: string;
}

export interface RedisSentinelConfig {
  sentinels: readonly { host: string; port: number }[];
  name: string;
}

export interface Config {
  mode: Mode;
  nodeEnv: 'development' | 'production' | 'test';
  http: { port: number; host: string; trustProxy: boolean };
  issuer: string;
  admin: { port: number; host: string };
  dataDir: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  database: {
    url?: string;
    readUrl?: string;
    /** Connections in the primary pool and in the reader pool. */
    poolSize: number;
    readPoolSize: number;
    /** Client-side limit on one query, and on getting a connection (new or from the pool). */
    timeoutMs: number;
    connectTimeoutMs: number;
  };
  /** Where OIDC artefacts live when set (production mode); otherwise they stay in PostgreSQL. */
  redisUrl?: string;
  /**
   * Redis behind Sentinel instead of `redisUrl`: the Sentinels to ask for the primary of
   * `name`. Writes that must survive a failover wait for one replica (stores/redis).
   */
  redisSentinel?: RedisSentinelConfig;
  /** Connect and per-command timeout for Redis. */
  redisTimeoutMs: number;
  /** Whatever secrets the environment supplied; in embedded mode the server completes them. */
  secrets: Partial<Secrets>;
  /** Whether the built-in demo client and /demo page exist (embedded mode only). */
  demo: boolean;
  passwordMinLength: number;
  /**
   * Who may join: `open` (the sign-in page offers registration), `invite` (no registration page;
   * administrators create accounts and mail set-password links), `closed` (no registration, no
   * new accounts or invitations; existing accounts keep signing in and recovering).
   */
  registration: Registration;
  /** Addresses the anti-automation limits skip (never the per-account ones); see limits/. */
  rateLimitExempt: readonly string[];
  /** Every brute-force and anti-automation limit (RATE_LIMIT_* variables, rate-limits.ts). */
  rateLimits: Readonly<RateLimits>;
  shutdown: {
    /** SIGTERM: not-ready for this long before the public listener stops accepting. */
    readinessGraceMs: number;
  };
  observability: {
    /** Client ids labelled in metrics; later ones are `other`. */
    maxClientLabels: number;
    /** `syslog+tcp://host:port` of a central log collector, when set. */
    logShipUrl?: string;
  };
  /** BRAND_* variables (branding-env.ts); a value stored with `portcullis branding set` wins. */
  branding: Readonly<BrandingSettings>;
  /** DYNAMIC_REGISTRATION (dcr-env.ts): who may register a client at the registration endpoint. */
  dynamicRegistration: DynamicRegistrationMode;
  /** REFRESH_REUSE_WINDOW (dcr-env.ts): seconds a repeated refresh gets the same answer; 0 is off. */
  refreshReuseWindowSeconds: number;
  mail: MailConfig;
}

export interface MailConfig {
  /**
   * Where the outbox's sender delivers. Unset in embedded mode: messages become .eml files in
   * DATA_DIR/mail. Unset in production mode: this instance sends nothing and messages wait in the
   * outbox for an instance that has it (docs/email.md).
   */
  smtpUrl?: string;
  /** The From header: MAIL_FROM, else no-reply@ the issuer's host name. */
  from: string;
  /** First retry after this long; each further one waits twice as long, at most an hour. */
  retryBaseMs: number;
  /** Attempts before a message is given up on (status failed). */
  maxAttempts: number;
}

export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = envSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? 'environment'), message: issue.message })),
    );
  }
  const e = parsed.data;
  const mode: Mode = e.DATABASE_URL ? 'production' : 'embedded';
  if (mode === 'production' && e.DEMO === true) {
    throw new ConfigError([{ variable: 'DEMO', message: 'the demo exists only in embedded mode' }]);
  }
  const issuer = (e.ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    mode,
    nodeEnv: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST, trustProxy: e.TRUST_PROXY },
    issuer,
    admin: { port: e.ADMIN_PORT, host: e.ADMIN_HOST },
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      readUrl: e.DATABASE_READ_URL ?? e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      readPoolSize: e.DATABASE_READ_POOL_SIZE,
      timeoutMs: e.DATABASE_TIMEOUT_MS,
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    },
    redisUrl: e.REDIS_URL,
    ...(e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME && { redisSentinel: { sentinels: e.REDIS_SENTINELS, name: e.REDIS_SENTINEL_NAME } }),
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    secrets: { cookieKeys: e.COOKIE_KEYS, encryptionKeys: e.ENCRYPTION_KEYS ?? (e.ENCRYPTION_KEY && [e.ENCRYPTION_KEY]), adminToken: e.ADMIN_TOKEN },
    demo: mode === 'embedded' && e.DEMO !== false,
    passwordMinLength: e.PASSWORD_MIN_LENGTH,
    registration: e.REGISTRATION,
    rateLimitExempt: Object.freeze([...e.RATE_LIMIT_EXEMPT]),
    rateLimits: Object.freeze(toRateLimits(e)),
    shutdown: { readinessGraceMs: e.SHUTDOWN_READINESS_GRACE_MS },
    observability: { maxClientLabels: e.METRICS_MAX_CLIENT_LABELS, logShipUrl: e.LOG_SHIP_URL },
    branding: toBranding(e),
    dynamicRegistration: e.DYNAMIC_REGISTRATION,
    refreshReuseWindowSeconds: e.REFRESH_REUSE_WINDOW,
    mail: Object.freeze({
      ...(e.SMTP_URL && { smtpUrl: e.SMTP_URL }),
      from: e.MAIL_FROM ?? `no-reply@${new URL(issuer).hostname}`,
      retryBaseMs: e.MAIL_RETRY_BASE_MS,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
    }),
  });
}

/** An empty variable (`PORT=`) means "not set", as most shells and .env files intend. */
function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

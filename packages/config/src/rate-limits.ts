/**
 * The brute-force and anti-automation limits (SECURITY.md A1, A13, A14): one environment
 * variable per limit, in one table that also holds the defaults (README "Lockout policy").
 * - A value is `POINTS/WINDOW` (refused once POINTS are used within the window, until it ends)
 *   or `POINTS/WINDOW:BLOCK` (the key is then blocked for BLOCK); durations take s, m, h or d:
 *   `5/15m:1m`. Limits keyed on an address may have several tiers, comma-separated, which makes
 *   them progressive: `5/15m:1m,20/1h:1h`.
 * - A limit keyed on an account alone never blocks: an attacker can fill it from anywhere, so
 *   it must lapse with its window (a block would be a lockout the attacker keeps renewing).
 * - The per-account password limit allows at most 100 failures per hour (A1).
 */
import { z } from 'zod';

export interface RateLimitTier {
  points: number;
  durationSeconds: number;
  blockSeconds?: number;
}

export interface RateLimits {
  /** A1: failed passwords per account (normalised email, known or not), from devices unknown to it. */
  passwordPerAccount: RateLimitTier;
  passwordPerAccountAndAddress: RateLimitTier[];
  passwordPerAddress: RateLimitTier;
  /** Failed passwords from one device that signed in to the account before (its device cookie). */
  passwordPerDevice: RateLimitTier;
  /** Wrong TOTP or recovery codes, across sign-in attempts. */
  mfaPerAccount: RateLimitTier;
  mfaPerAccountAndAddress: RateLimitTier[];
  mfaPerAddress: RateLimitTier;
  /** Wrong codes from one device that signed in to the account before (its device cookie). */
  mfaPerDevice: RateLimitTier;
  registrationPerAddress: RateLimitTier;
  /** Failed client authentications at the token endpoint per client id and address. */
  tokenFailuresPerClientAndAddress: RateLimitTier;
  /** Failed client authentications at the token endpoint per address, whatever the client. */
  tokenFailuresPerAddress: RateLimitTier;
  /** Unknown user codes typed at `/device` per address (RFC 8628 §5.1: the guessing budget). */
  deviceCodePerAddress: RateLimitTier[];
  /** Account-link requests ("Forgot password?", email change) per address. */
  recoveryPerAddress: RateLimitTier;
  /** Account-link requests per email address asked about (known or not): mails one mailbox receives. */
  recoveryPerEmail: RateLimitTier;
}

type Key = keyof RateLimits;

interface Variable {
  key: Key;
  default: string;
  /** Several comma-separated tiers allowed (address-keyed limits only). */
  tiers?: true;
  /** Keyed on an account or a device alone: no block (see above). */
  noBlock?: true;
}

/** Every limit's variable and default, in the order the README lists them. */
export const RATE_LIMIT_VARIABLES = {
  RATE_LIMIT_PASSWORD_ACCOUNT: { key: 'passwordPerAccount', default: '100/1h', noBlock: true },
  RATE_LIMIT_PASSWORD_ACCOUNT_ADDRESS: { key: 'passwordPerAccountAndAddress', default: '5/15m:1m,20/1h:1h', tiers: true },
  RATE_LIMIT_PASSWORD_ADDRESS: { key: 'passwordPerAddress', default: '50/15m:15m' },
  RATE_LIMIT_PASSWORD_DEVICE: { key: 'passwordPerDevice', default: '10/1h', noBlock: true },
  RATE_LIMIT_MFA_ACCOUNT: { key: 'mfaPerAccount', default: '30/1h', noBlock: true },
  RATE_LIMIT_MFA_ACCOUNT_ADDRESS: { key: 'mfaPerAccountAndAddress', default: '5/15m:1m,15/1h:1h', tiers: true },
  RATE_LIMIT_MFA_ADDRESS: { key: 'mfaPerAddress', default: '30/15m:15m' },
  RATE_LIMIT_MFA_DEVICE: { key: 'mfaPerDevice', default: '10/1h', noBlock: true },
  RATE_LIMIT_REGISTRATION_ADDRESS: { key: 'registrationPerAddress', default: '10/1h' },
  RATE_LIMIT_TOKEN_CLIENT_ADDRESS: { key: 'tokenFailuresPerClientAndAddress', default: '20/5m:5m' },
  RATE_LIMIT_TOKEN_ADDRESS: { key: 'tokenFailuresPerAddress', default: '100/15m:15m' },
  RATE_LIMIT_DEVICE_CODE_ADDRESS: { key: 'deviceCodePerAddress', default: '10/15m:15m,30/1d:1d', tiers: true },
  RATE_LIMIT_RECOVERY_ADDRESS: { key: 'recoveryPerAddress', default: '10/1h:1h' },
  RATE_LIMIT_RECOVERY_EMAIL: { key: 'recoveryPerEmail', default: '5/1h', noBlock: true },
} as const satisfies Record<string, Variable>;

export type RateLimitVariable = keyof typeof RATE_LIMIT_VARIABLES;

/** A1's ceiling: failed passwords per account per hour. */
export const MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR = 100;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const MAX_SECONDS = 30 * 86_400;
const MAX_POINTS = 1_000_000_000;
const TIER = /^(\d{1,10})\/(\d{1,6})([smhd])(?::(\d{1,6})([smhd]))?$/;

const seconds = (count: string, unit: string) => Number(count) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];

/** One tier, or a message saying what is wrong with it. */
function parseTier(text: string, variable: Variable): RateLimitTier | string {
  const match = TIER.exec(text.trim());
  if (!match) return `"${text}" is not a limit: use POINTS/WINDOW or POINTS/WINDOW:BLOCK, e.g. 5/15m:1m`;
  const [, points, count, unit, blockCount, blockUnit] = match;
  const tier: RateLimitTier = { points: Number(points), durationSeconds: seconds(count!, unit!) };
  if (blockCount !== undefined) tier.blockSeconds = seconds(blockCount, blockUnit!);
  if (tier.points < 1 || tier.points > MAX_POINTS) return `"${text}": POINTS must be 1 to ${MAX_POINTS}`;
  if (tier.durationSeconds < 1 || tier.durationSeconds > MAX_SECONDS) return `"${text}": the window must be 1s to 30d`;
  if (tier.blockSeconds !== undefined) {
    if (variable.noBlock) return `"${text}": a limit keyed on an account or a device cannot block (an attacker could renew it); drop ":${blockCount}${blockUnit}"`;
    if (tier.blockSeconds < 1 || tier.blockSeconds > MAX_SECONDS) return `"${text}": the block must be 1s to 30d`;
  }
  return tier;
}

function tierSchema(name: RateLimitVariable) {
  const variable: Variable = RATE_LIMIT_VARIABLES[name];
  return z.string().transform((value, ctx): RateLimitTier[] => {
    const parts = value.split(',');
    if (parts.length > 1 && !variable.tiers) {
      ctx.addIssue({ code: 'custom', message: 'takes one limit, not a list', input: value });
      return z.NEVER;
    }
    const tiers: RateLimitTier[] = [];
    for (const part of parts) {
      const tier = parseTier(part, variable);
      if (typeof tier === 'string') {
        ctx.addIssue({ code: 'custom', message: tier, input: value });
        return z.NEVER;
      }
      tiers.push(tier);
    }
    // The same rule limit-policy.ts applies to the overrides tests pass: never more than 100 in one
    // window, nor more than 100 an hour on average (so 200/2h is refused here, not at start).
    if (variable.key === 'passwordPerAccount' && (tiers[0]!.points > MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR || tiers[0]!.points * 3600 > MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR * tiers[0]!.durationSeconds)) {
      ctx.addIssue({ code: 'custom', message: `allows at most ${MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR} failures per hour (SECURITY.md A1), e.g. 100/1h or 50/30m`, input: value });
      return z.NEVER;
    }
    return tiers;
  });
}

/** The zod shape for every RATE_LIMIT_* variable, merged into the environment schema. */
export const rateLimitEnvShape = Object.fromEntries(
  Object.entries(RATE_LIMIT_VARIABLES).map(([name, variable]) => [name, tierSchema(name as RateLimitVariable).prefault(variable.default)]),
) as { [Name in RateLimitVariable]: z.ZodPrefault<ReturnType<typeof tierSchema>> };

/** The parsed variables as the typed limits the server builds its counters from. */
export function toRateLimits(env: { [Name in RateLimitVariable]: RateLimitTier[] }): RateLimits {
  const limits: Partial<Record<Key, RateLimitTier | RateLimitTier[]>> = {};
  for (const [name, variable] of Object.entries(RATE_LIMIT_VARIABLES) as [RateLimitVariable, Variable][]) {
    const tiers = env[name];
    limits[variable.key] = variable.tiers ? tiers : tiers[0]!;
  }
  return limits as RateLimits;
}

/** The limits when no variable is set. */
export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = Object.freeze(toRateLimits(z.object(rateLimitEnvShape).parse({})));

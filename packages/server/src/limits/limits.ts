/**
 * Builds every rate limit from one policy (limit-policy.ts), on Redis when the instances share
 * one (production: counters must be shared, or N instances would allow N times the limit) and
 * in memory otherwise (embedded mode is one process).
 * Redis keys are `portcullis:limit:<name>:<key>` and expire with their window or block.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createAttemptGuard, retryAfterSeconds, type AttemptGuard, type Limited, type LimiterFactory } from './attempt-guard.js';
import { createExemption, limitAddress } from './client-address.js';
import type { LimitPolicy, Tier } from './limit-policy.js';
import { createTokenAuthGuard, type TokenAuthGuard } from './token-auth-guard.js';

export interface Limits {
  policy: LimitPolicy;
  /** Password guesses, keyed on the normalised email (so unknown emails behave the same); a known device has its own counter. */
  password: AttemptGuard;
  /** TOTP and recovery-code guesses, keyed on the account id. */
  mfa: AttemptGuard;
  /** One registration attempt from `ip`: undefined when allowed. */
  registration(ip: string): Promise<Limited | undefined>;
  /** Failed client authentications at the token endpoint, per client and address and per address. */
  tokenAuth: TokenAuthGuard;
  isExempt(ip: string): boolean;
}

export const LIMIT_KEY_PREFIX = 'portcullis:limit:';

export function createLimits(deps: { policy: LimitPolicy; redis?: Redis; exempt: readonly string[] }): Limits {
  const memory = (name: string, tier: Tier): RateLimiterAbstract =>
    new RateLimiterMemory({ keyPrefix: `${LIMIT_KEY_PREFIX}${name}`, points: tier.points, duration: tier.durationSeconds, blockDuration: tier.blockSeconds ?? 0 });
  const make: LimiterFactory = deps.redis
    ? (name, tier) => new RateLimiterRedis({
      storeClient: deps.redis,
      useRedisPackage: false,
      keyPrefix: `${LIMIT_KEY_PREFIX}${name}`,
      points: tier.points,
      duration: tier.durationSeconds,
      blockDuration: tier.blockSeconds ?? 0,
    })
    : memory;
  const isExempt = createExemption(deps.exempt);
  const { policy } = deps;

  /** Consumes one point; a refusal becomes `Limited`, a store failure is thrown (a 503). */
  const take = async (limiter: RateLimiterAbstract, key: string): Promise<Limited | undefined> => {
    try {
      await limiter.consume(key, 1);
      return undefined;
    } catch (error) {
      if (error instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: retryAfterSeconds(error) };
      throw error;
    }
  };

  const registration = make('registration:address', policy.registrationPerAddress);

  return {
    policy,
    password: createAttemptGuard({
      name: 'password', make, perAccount: policy.passwordPerAccount, perAccountAndAddress: policy.passwordPerAccountAndAddress, perAddress: policy.passwordPerAddress, perDevice: policy.passwordPerDevice, isExempt,
    }),
    mfa: createAttemptGuard({ name: 'mfa', make, perAccount: policy.mfaPerAccount, perAccountAndAddress: policy.mfaPerAccountAndAddress, perAddress: policy.mfaPerAddress, perDevice: policy.mfaPerDevice, isExempt }),
    registration: async (ip) => (isExempt(ip) ? undefined : take(registration, limitAddress(ip))),
    tokenAuth: createTokenAuthGuard({ make, perClientAndAddress: policy.tokenFailuresPerClientAndAddress, perAddress: policy.tokenFailuresPerAddress, isExempt }),
    isExempt,
  };
}

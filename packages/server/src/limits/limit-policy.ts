/**
 * How many attempts each limit allows (SECURITY.md A1, A13, A14). Durations are in seconds.
 * The values come from the RATE_LIMIT_* variables (packages/config rate-limits.ts, which holds
 * the defaults); tests replace some of them through `BuildOptions.limits`.
 * - A tier without `blockSeconds` lapses when its window ends: a counter that an attacker can
 *   fill never locks anyone out for longer than the window (the per-account limits).
 * - A tier with `blockSeconds` blocks its key that long once it is exceeded. Only keys that
 *   carry the client's address get a block, so a block lands on the attacker's address.
 * - Two tiers on one key make a limit progressive: a short block after a few failures, a long
 *   one after many.
 * - There is no per-instance or per-client ceiling on requests: a counter shared by everyone
 *   turns one client's flood into everyone's 429 (A14), and one set above an instance's
 *   measured capacity (about 9,000-14,000 discovery requests/s per core, docs/benchmarks.md; a
 *   Node.js instance runs on one core) would never fire. Floods are met per address, by Nginx's
 *   limit_req and limit_conn zones (IPv6 per /64) in front of the instances.
 */
import { DEFAULT_RATE_LIMITS, MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR, type RateLimits, type RateLimitTier } from '@portcullis/config';

export type Tier = RateLimitTier;
export type LimitPolicy = RateLimits;

export { MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR };

export const DEFAULT_LIMIT_POLICY: Readonly<LimitPolicy> = DEFAULT_RATE_LIMITS;

/** `base` (the configured limits, the defaults when absent) with some limits replaced. */
export function limitPolicy(overrides: Partial<LimitPolicy> = {}, base: Readonly<LimitPolicy> = DEFAULT_LIMIT_POLICY): LimitPolicy {
  const policy = { ...base, ...overrides };
  // Tests shorten the window (100 per 15 s) to watch it lapse; the count itself never exceeds A1's.
  if (policy.passwordPerAccount.points > MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR || policy.passwordPerAccount.durationSeconds < 1) {
    throw new Error(`passwordPerAccount allows at most ${MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR} failures per window (SECURITY.md A1)`);
  }
  return policy;
}

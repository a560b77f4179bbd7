/**
 * Counts unknown user codes typed at `/device` (RFC 8628 §5.1: "the authorization server should
 * rate-limit" user-code guesses), per address only (SECURITY.md A13, A14).
 * - Every tier is consumed BEFORE the code is looked up, with the store's atomic increment: of
 *   any number of concurrent submissions from one address at most `points` are looked up per
 *   window. A submission that turns out not to be a guess (the code exists, or the form was
 *   empty or expired) gives its points back, so the counters count unknown codes only.
 * - Keyed on the address alone: there is no account to key on before the code is known, and a
 *   counter shared by everyone would let one address refuse every person's device (A14).
 * - Addresses exempt by configuration are not counted.
 */
import { RateLimiterRes } from 'rate-limiter-flexible';
import { retryAfterSeconds, type Limited, type LimiterFactory } from './attempt-guard.js';
import { limitAddress } from './client-address.js';
import type { Tier } from './limit-policy.js';

export interface UserCodeAttempt {
  allowed: true;
  /** `unknown`: no such code, the points stay; anything else gives them back. */
  settle(outcome: 'unknown' | 'not_a_guess'): Promise<void>;
}

export interface UserCodeGuard {
  begin(ip: string): Promise<UserCodeAttempt | Limited>;
}

export function createUserCodeGuard(deps: { make: LimiterFactory; perAddress: readonly Tier[]; isExempt(ip: string): boolean }): UserCodeGuard {
  const counters = deps.perAddress.map((tier, i) => deps.make(`device-code:address:${i}`, tier));
  const free: UserCodeAttempt = { allowed: true, settle: () => Promise.resolve() };
  return {
    async begin(ip) {
      if (deps.isExempt(ip)) return free;
      const key = limitAddress(ip);
      const taken: typeof counters = [];
      const refusals: RateLimiterRes[] = [];
      await Promise.all(counters.map(async (limiter) => {
        try {
          await limiter.consume(key, 1);
          taken.push(limiter);
        } catch (error) {
          if (!(error instanceof RateLimiterRes)) throw error;
          refusals.push(error);
        }
      }));
      const giveBack = () => Promise.all(taken.map((limiter) => limiter.reward(key, 1))).then(() => undefined);
      if (refusals.length > 0) {
        await giveBack();
        return { allowed: false, retryAfterSeconds: Math.max(...refusals.map(retryAfterSeconds)), scope: 'address' };
      }
      return { allowed: true, settle: (outcome) => (outcome === 'unknown' ? Promise.resolve() : giveBack()) };
    },
  };
}

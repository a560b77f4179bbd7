/**
 * Counts guesses at one secret (a password, a TOTP code) per account, per account and address,
 * and per address, and decides whether a guess may be checked at all (SECURITY.md A1, A13).
 * - Every counter is consumed BEFORE the secret is checked, with the store's atomic increment:
 *   of any number of concurrent guesses at most `points` are checked per window, exactly.
 *   A success gives its point back, so the counters count failures.
 * - The address-keyed counters go first; the account counter is consumed only when they
 *   allowed the guess, and their points are given back when a later counter refuses it, so a
 *   refused guess costs nothing on the counters that did not refuse it.
 * - A success clears the account-and-address counters of that address: a person who mistyped
 *   a few times starts afresh once they get it right.
 * - `failed()` reports each account or account-and-address limit this failure exhausted. Of any
 *   number of concurrent guesses exactly one sees its counter reach the limit, so each lockout
 *   is reported once.
 * - Addresses exempt by configuration skip the address-keyed counters, never the account one.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { limitAddress } from './client-address.js';
import type { Tier } from './limit-policy.js';

export type LockoutScope = 'account' | 'account_address';

export interface Lockout {
  scope: LockoutScope;
  /** How long the lockout lasts at most, in seconds. */
  seconds: number;
}

export interface Limited {
  allowed: false;
  retryAfterSeconds: number;
}

export interface Attempt {
  allowed: true;
  /** The secret was right: give the points back and clear this address's failures. */
  succeeded(): Promise<void>;
  /** The secret was wrong: the points stay; returns the lockouts this failure caused. */
  failed(): Promise<Lockout[]>;
}

export interface AttemptGuard {
  begin(subject: string, ip: string): Promise<Attempt | Limited>;
  /** Forgets the failures of `subject` (everywhere) and of `subject` from each of `ips`. */
  clear(subject: string, ips: readonly string[]): Promise<void>;
}

export type LimiterFactory = (name: string, tier: Tier) => RateLimiterAbstract;

interface Counter {
  limiter: RateLimiterAbstract;
  tier: Tier;
  scope: LockoutScope | 'address';
  key(subject: string, address: string): string;
}

export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

export function createAttemptGuard(deps: {
  name: string;
  make: LimiterFactory;
  perAccount: Tier;
  perAccountAndAddress: Tier[];
  perAddress: Tier;
  isExempt(ip: string): boolean;
}): AttemptGuard {
  const account: Counter = { limiter: deps.make(`${deps.name}:account`, deps.perAccount), tier: deps.perAccount, scope: 'account', key: (subject) => subject };
  const accountAndAddress: Counter[] = deps.perAccountAndAddress.map((tier, i) => ({
    limiter: deps.make(`${deps.name}:account-address:${i}`, tier), tier, scope: 'account_address', key: (subject, address) => `${address}|${subject}`,
  }));
  const address: Counter = { limiter: deps.make(`${deps.name}:address`, deps.perAddress), tier: deps.perAddress, scope: 'address', key: (_subject, addr) => addr };

  const giveBack = (taken: { counter: Counter; key: string }[]) => Promise.all(taken.map(({ counter, key }) => counter.limiter.reward(key, 1)));

  return {
    async begin(subject, ip) {
      const addr = limitAddress(ip);
      const first = deps.isExempt(ip) ? [] : [address, ...accountAndAddress];
      const taken: { counter: Counter; key: string; res: RateLimiterRes }[] = [];
      const refusals: RateLimiterRes[] = [];
      const consume = async (counter: Counter) => {
        const key = counter.key(subject, addr);
        try {
          taken.push({ counter, key, res: await counter.limiter.consume(key, 1) });
        } catch (error) {
          if (!(error instanceof RateLimiterRes)) throw error;
          refusals.push(error);
        }
      };
      await Promise.all(first.map(consume));
      if (refusals.length === 0) await consume(account);
      if (refusals.length > 0) {
        await giveBack(taken);
        return { allowed: false, retryAfterSeconds: Math.max(...refusals.map(retryAfterSeconds)) };
      }
      return {
        allowed: true,
        async succeeded() {
          await giveBack(taken.filter(({ counter }) => counter.scope !== 'account_address'));
          await Promise.all(taken.filter(({ counter }) => counter.scope === 'account_address').map(({ counter, key }) => counter.limiter.delete(key)));
        },
        failed() {
          return Promise.resolve(taken.flatMap(({ counter, res }): Lockout[] =>
            counter.scope !== 'address' && res.consumedPoints === counter.tier.points
              ? [{ scope: counter.scope, seconds: counter.tier.blockSeconds ?? retryAfterSeconds(res) }]
              : []));
        },
      };
    },

    async clear(subject, ips) {
      const addresses = [...new Set(ips.map(limitAddress))];
      await Promise.all([
        account.limiter.delete(account.key(subject, '')),
        ...addresses.flatMap((addr) => accountAndAddress.map((counter) => counter.limiter.delete(counter.key(subject, addr)))),
      ]);
    },
  };
}

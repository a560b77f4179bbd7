/**
 * Counts guesses at one secret (a password, a TOTP code) per account, per account and address,
 * and per address, and decides whether a guess may be checked at all (SECURITY.md A1, A13, A14).
 * - Every counter is consumed BEFORE the secret is checked, with the store's atomic increment:
 *   of any number of concurrent guesses at most `points` are checked per window, exactly.
 *   A success gives its point back, so the counters count failures.
 * - The address-keyed counters go first; the account counter is consumed only when they
 *   allowed the guess, and their points are given back when a later counter refuses it, so a
 *   refused guess costs nothing on the counters that did not refuse it.
 * - A success clears the account-and-address counters of that address (and the device's): a
 *   person who mistyped a few times starts afresh once they get it right.
 * - `failed()` reports each account, account-and-address or device limit this failure exhausted. Of any
 *   number of concurrent guesses exactly one sees its counter reach the limit, so each lockout
 *   is reported once.
 * - Addresses exempt by configuration skip the address-keyed counters, never the account one.
 * - A known device (A14; OWASP "Slow Down Online Guessing Attacks with Device Cookies"): when
 *   the caller vouches that this browser signed in to `subject` before (`options.device`, the
 *   random nonce of its signed device cookie) and the guard has a per-device tier, that
 *   device's own counter is consumed instead of the account's, so failures an attacker piles up
 *   on the account from elsewhere never refuse the person on their own device. A device that
 *   has used up its own limit (a stolen cookie) is an unknown device again: the account counter
 *   applies to it. The address-keyed counters apply to every device.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { limitAddress } from './client-address.js';
import type { Tier } from './limit-policy.js';

export type LockoutScope = 'account' | 'account_address' | 'device';

/** Which counter refused a guess; 'account' means "this account, from devices unknown to it". */
export type LimitScope = LockoutScope | 'address';

export interface Lockout {
  scope: LockoutScope;
  /** How long the lockout lasts at most, in seconds. */
  seconds: number;
}

export interface Limited {
  allowed: false;
  retryAfterSeconds: number;
  /** The counter that refused (the one with the longest wait), when a guard decided. */
  scope?: LimitScope;
}

export interface BeginOptions {
  /** The nonce of a valid device cookie naming `subject`: this browser signed in to it before. */
  device?: string;
}

export interface Attempt {
  allowed: true;
  /** The secret was right: give the points back and clear this address's failures. */
  succeeded(): Promise<void>;
  /** The secret was wrong: the points stay; returns the lockouts this failure caused. */
  failed(): Promise<Lockout[]>;
}

export interface AttemptGuard {
  begin(subject: string, ip: string, options?: BeginOptions): Promise<Attempt | Limited>;
  /** Forgets the failures of `subject` (everywhere) and of `subject` from each of `ips`. */
  clear(subject: string, ips: readonly string[]): Promise<void>;
  /**
   * How long `subject` stays locked out, in seconds: everywhere, or from one of `ips` (whichever
   * ends last); undefined when no counter of it is full. Reads only, consumes nothing.
   */
  lockedFor(subject: string, ips: readonly string[]): Promise<number | undefined>;
}

export type LimiterFactory = (name: string, tier: Tier) => RateLimiterAbstract;

interface Counter {
  limiter: RateLimiterAbstract;
  tier: Tier;
  scope: LimitScope;
  key(subject: string, address: string, device: string): string;
}

export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/** Consumes one point; a refusal becomes `Limited`, a store failure is thrown (a 503). */
export async function takePoint(limiter: Pick<RateLimiterAbstract, 'consume'>, key: string): Promise<Limited | undefined> {
  try {
    await limiter.consume(key, 1);
    return undefined;
  } catch (error) {
    if (error instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: retryAfterSeconds(error) };
    throw error;
  }
}

export function createAttemptGuard(deps: {
  name: string;
  make: LimiterFactory;
  perAccount: Tier;
  perAccountAndAddress: Tier[];
  perAddress: Tier;
  /** Failures from one known device; without it `options.device` is ignored. */
  perDevice?: Tier;
  isExempt(ip: string): boolean;
}): AttemptGuard {
  const account: Counter = { limiter: deps.make(`${deps.name}:account`, deps.perAccount), tier: deps.perAccount, scope: 'account', key: (subject) => subject };
  const accountAndAddress: Counter[] = deps.perAccountAndAddress.map((tier, i) => ({
    limiter: deps.make(`${deps.name}:account-address:${i}`, tier), tier, scope: 'account_address', key: (subject, address) => `${address}|${subject}`,
  }));
  const address: Counter = { limiter: deps.make(`${deps.name}:address`, deps.perAddress), tier: deps.perAddress, scope: 'address', key: (_subject, addr) => addr };
  const device: Counter | undefined = deps.perDevice && {
    limiter: deps.make(`${deps.name}:device`, deps.perDevice), tier: deps.perDevice, scope: 'device', key: (subject, _addr, nonce) => `${nonce}|${subject}`,
  };

  const giveBack = (taken: { counter: Counter; key: string }[]) => Promise.all(taken.map(({ counter, key }) => counter.limiter.reward(key, 1)));

  return {
    async begin(subject, ip, options = {}) {
      const addr = limitAddress(ip);
      const nonce = options.device ?? '';
      const first = deps.isExempt(ip) ? [] : [address, ...accountAndAddress];
      const taken: { counter: Counter; key: string; res: RateLimiterRes }[] = [];
      const refusals: { counter: Counter; res: RateLimiterRes }[] = [];
      /** Consumes one point; false when the counter refused it (a refusal if `decides`). */
      const consume = async (counter: Counter, decides = true) => {
        const key = counter.key(subject, addr, nonce);
        try {
          taken.push({ counter, key, res: await counter.limiter.consume(key, 1) });
          return true;
        } catch (error) {
          if (!(error instanceof RateLimiterRes)) throw error;
          if (decides) refusals.push({ counter, res: error });
          return false;
        }
      };
      await Promise.all(first.map((counter) => consume(counter)));
      if (refusals.length === 0) {
        // A known device with room left on its own counter skips the account's (A14);
        // otherwise (no cookie, or its limit used up) the account counter decides.
        const known = device && options.device ? await consume(device, false) : false;
        if (!known) await consume(account);
      }
      if (refusals.length > 0) {
        await giveBack(taken);
        const longest = refusals.reduce((a, b) => (retryAfterSeconds(b.res) > retryAfterSeconds(a.res) ? b : a));
        return { allowed: false, retryAfterSeconds: retryAfterSeconds(longest.res), scope: longest.counter.scope };
      }
      return {
        allowed: true,
        async succeeded() {
          const clears = (counter: Counter) => counter.scope === 'account_address' || counter.scope === 'device';
          await giveBack(taken.filter(({ counter }) => !clears(counter)));
          await Promise.all(taken.filter(({ counter }) => clears(counter)).map(({ counter, key }) => counter.limiter.delete(key)));
        },
        failed() {
          return Promise.resolve(taken.flatMap(({ counter, res }): Lockout[] =>
            counter.scope !== 'address' && res.consumedPoints === counter.tier.points
              ? [{ scope: counter.scope, seconds: counter.tier.blockSeconds ?? retryAfterSeconds(res) }]
              : []));
        },
      };
    },

    async lockedFor(subject, ips) {
      const addresses = [...new Set(ips.map(limitAddress))];
      const checks = [
        { counter: account, key: account.key(subject, '', '') },
        ...addresses.flatMap((addr) => accountAndAddress.map((counter) => ({ counter, key: counter.key(subject, addr, '') }))),
      ];
      const seconds = await Promise.all(checks.map(async ({ counter, key }) => {
        const res = await counter.limiter.get(key);
        // Full: the next guess would be refused until the window (or block) ends.
        return res && res.consumedPoints >= counter.tier.points ? retryAfterSeconds(res) : 0;
      }));
      const longest = Math.max(0, ...seconds);
      return longest > 0 ? longest : undefined;
    },

    async clear(subject, ips) {
      const addresses = [...new Set(ips.map(limitAddress))];
      await Promise.all([
        account.limiter.delete(account.key(subject, '', '')),
        ...addresses.flatMap((addr) => accountAndAddress.map((counter) => counter.limiter.delete(counter.key(subject, addr, '')))),
      ]);
    },
  };
}

/**
 * Failed client authentications at the token endpoint (SECURITY.md A13, A14). The provider
 * authenticates the client; this guard counts what it decided and refuses the next attempt of
 * a (client, address) pair, or of an address, that failed too often.
 * - Only failures are counted, and only after the provider has answered: a client's successful
 *   requests are never capped, however many it sends (a popular app refreshes for all of its
 *   users from a few addresses), and no number of requests in flight can refuse one.
 * - Every counter is keyed on the address: failures from one address never refuse a correct
 *   secret from another. The pair counter stops guesses at one client's secret; the address
 *   counter stops one address spraying many client ids.
 * - The pair is known before the provider runs only for `client_secret_basic` (the Basic auth
 *   username, RFC 6749 §2.3.1); the provider reads a body-authenticated client's id from the
 *   body itself, so for those the address counter alone applies.
 * - Because counting follows the answer, requests already in flight when a limit is reached are
 *   still answered; Nginx's per-address limits bound how many that can be.
 * - A success clears the pair's failures (only when there are any: no extra write per request).
 */
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { retryAfterSeconds, type Limited, type LimiterFactory } from './attempt-guard.js';
import { limitAddress } from './client-address.js';
import type { Tier } from './limit-policy.js';

export interface TokenAuthCheck {
  /** Refused before the provider runs. */
  limited?: Limited;
  /** Reports what the provider decided about the client's authentication. */
  settle(outcome: 'failed' | 'succeeded'): Promise<void>;
}

export interface TokenAuthGuard {
  /** `clientId` is the Basic auth username, when there is one. */
  check(clientId: string | undefined, ip: string): Promise<TokenAuthCheck>;
}

interface Counter {
  limiter: RateLimiterAbstract;
  tier: Tier;
  key: string;
}

/** Refused when the key is blocked or its window's points are used up. */
const refusal = (counter: Counter, res: RateLimiterRes | null): Limited | undefined =>
  res && res.consumedPoints >= counter.tier.points ? { allowed: false, retryAfterSeconds: retryAfterSeconds(res) } : undefined;

/** Counts one failure; the failure that reaches the limit starts the block at once. */
async function countFailure(counter: Counter): Promise<void> {
  try {
    const res = await counter.limiter.consume(counter.key, 1);
    if (res.consumedPoints === counter.tier.points && counter.tier.blockSeconds) await counter.limiter.block(counter.key, counter.tier.blockSeconds);
  } catch (error) {
    // Over the limit already (requests that were in flight): the key is refused either way.
    if (!(error instanceof RateLimiterRes)) throw error;
  }
}

const NOTHING: TokenAuthCheck = { settle: () => Promise.resolve() };

export function createTokenAuthGuard(deps: { make: LimiterFactory; perClientAndAddress: Tier; perAddress: Tier; isExempt(ip: string): boolean }): TokenAuthGuard {
  const pairs = deps.make('token-auth:client-address', deps.perClientAndAddress);
  const addresses = deps.make('token-auth:address', deps.perAddress);

  return {
    async check(clientId, ip) {
      if (deps.isExempt(ip)) return NOTHING;
      const addr = limitAddress(ip);
      const counters: Counter[] = [{ limiter: addresses, tier: deps.perAddress, key: addr }];
      const pair: Counter | undefined = clientId === undefined ? undefined : { limiter: pairs, tier: deps.perClientAndAddress, key: `${addr}|${clientId}` };
      if (pair) counters.push(pair);
      const seen = await Promise.all(counters.map((counter) => counter.limiter.get(counter.key)));
      const refusals = counters.flatMap((counter, i) => refusal(counter, seen[i] ?? null) ?? []);
      if (refusals.length > 0) {
        return { ...NOTHING, limited: { allowed: false, retryAfterSeconds: Math.max(...refusals.map((r) => r.retryAfterSeconds)) } };
      }
      const pairFailures = pair ? (seen[1]?.consumedPoints ?? 0) : 0;
      return {
        async settle(outcome) {
          if (outcome === 'failed') await Promise.all(counters.map(countFailure));
          else if (pair && pairFailures > 0) await pair.limiter.delete(pair.key);
        },
      };
    },
  };
}

/**
 * Rate-limit counters in Redis, shared by every instance on it (N instances must not allow N
 * times the limit). Keys are `portcullis:limit:<name>:<key>` and expire with their window or
 * block; rate-limiter-flexible increments them atomically, so concurrent guesses on several
 * instances are counted exactly.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../../limits/attempt-guard.js';
import { LIMIT_KEY_PREFIX } from '../memory-counters.js';

export function redisCounters(redis: Redis): LimiterFactory {
  return (name, tier) => new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: false,
    keyPrefix: `${LIMIT_KEY_PREFIX}${name}`,
    points: tier.points,
    duration: tier.durationSeconds,
    blockDuration: tier.blockSeconds ?? 0,
  });
}

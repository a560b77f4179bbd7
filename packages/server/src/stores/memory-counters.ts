/**
 * Rate-limit counters in this process's memory: right when the instance is the only one
 * (embedded mode, and unit tests); with several instances each would allow the full limit,
 * so a shared store brings its own (redis/redis.counters.ts).
 * Keys are `portcullis:limit:<name>:<key>`, the same in every store.
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../limits/attempt-guard.js';

export const LIMIT_KEY_PREFIX = 'portcullis:limit:';

export const memoryCounters: LimiterFactory = (name, tier) =>
  new RateLimiterMemory({ keyPrefix: `${LIMIT_KEY_PREFIX}${name}`, points: tier.points, duration: tier.durationSeconds, blockDuration: tier.blockSeconds ?? 0 });

/**
 * Short-lived values in Redis (../short-term.ts), so every instance sees the same: `SET NX PX`
 * is the claim (atomic in Redis), `SET PX` the value, each key expiring by itself.
 */
import type { Redis } from 'ioredis';
import { SHORT_TERM_KEY_PREFIX, type ShortTerm } from '../short-term.js';

export function redisShortTerm(client: Redis): ShortTerm {
  const key = (name: string) => `${SHORT_TERM_KEY_PREFIX}${name}`;
  return {
    claim: async (name, value, ttlMs) => (await client.set(key(name), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK',
    async set(name, value, ttlMs) {
      await client.set(key(name), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    get: async (name) => (await client.get(key(name))) ?? undefined,
    async delete(name) {
      await client.del(key(name));
    },
  };
}

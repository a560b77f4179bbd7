import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryCounters } from '../stores/memory-counters.js';
import { createUserCodeGuard, type UserCodeGuard } from './user-code-guard.js';

/** One submission at /device: the guard, then what the lookup found. */
async function submit(guard: UserCodeGuard, ip: string, outcome: 'unknown' | 'not_a_guess') {
  const attempt = await guard.begin(ip);
  if (!attempt.allowed) return attempt;
  await attempt.settle(outcome);
  return undefined;
}

void describe('user-code guessing limit (RFC 8628 §5.1)', () => {
  const tiers = [{ points: 3, durationSeconds: 60, blockSeconds: 120 }, { points: 5, durationSeconds: 3600, blockSeconds: 86_400 }];

  void it('refuses an address after its unknown codes, with the block as Retry-After, and no other address', async () => {
    const guard = createUserCodeGuard({ make: memoryCounters, perAddress: tiers, isExempt: () => false });
    for (let i = 0; i < 3; i++) assert.equal(await submit(guard, '203.0.113.7', 'unknown'), undefined);
    const refused = await submit(guard, '203.0.113.7', 'not_a_guess');
    assert.ok(refused && !refused.allowed);
    assert.ok(refused.retryAfterSeconds > 60 && refused.retryAfterSeconds <= 120, String(refused.retryAfterSeconds));
    assert.equal(await submit(guard, '198.51.100.7', 'unknown'), undefined, 'another address has its own budget');
  });

  void it('counts only unknown codes: codes that exist, empty forms and CSRF failures give their point back', async () => {
    const guard = createUserCodeGuard({ make: memoryCounters, perAddress: tiers, isExempt: () => false });
    for (let i = 0; i < 50; i++) assert.equal(await submit(guard, '203.0.113.8', 'not_a_guess'), undefined);
    for (let i = 0; i < 3; i++) assert.equal(await submit(guard, '203.0.113.8', 'unknown'), undefined);
    assert.ok(await submit(guard, '203.0.113.8', 'unknown'));
  });

  void it('counts an IPv6 client by its /64, and skips exempt addresses', async () => {
    const guard = createUserCodeGuard({ make: memoryCounters, perAddress: tiers, isExempt: (ip) => ip === '192.0.2.1' });
    for (let i = 0; i < 3; i++) assert.equal(await submit(guard, `2001:db8::${i + 1}`, 'unknown'), undefined);
    assert.ok(await submit(guard, '2001:db8::ff', 'unknown'), 'the same /64');
    for (let i = 0; i < 10; i++) assert.equal(await submit(guard, '192.0.2.1', 'unknown'), undefined);
  });

  void it('lets at most the limit through when submissions race', async () => {
    const guard = createUserCodeGuard({ make: memoryCounters, perAddress: tiers, isExempt: () => false });
    const attempts = await Promise.all(Array.from({ length: 20 }, () => guard.begin('203.0.113.9')));
    assert.equal(attempts.filter((a) => a.allowed).length, 3);
  });
});

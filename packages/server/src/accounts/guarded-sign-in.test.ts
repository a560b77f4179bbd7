import assert from 'node:assert/strict';
import { memoryCounters } from '../stores/memory-counters.js';
import { describe, it } from 'node:test';
import type { AccountCredentials, AccountRepository } from '@portcullis/db';
import { createLimits } from '../limits/limits.js';
import { limitPolicy } from '../limits/limit-policy.js';
import { createAccountService } from './account.service.js';
import type { PasswordHasher } from './password-hasher.js';
import { createPasswordPolicy } from './password-policy.js';
import { createGuardedSignIn } from './guarded-sign-in.js';
import type { AuditInput, AuditService } from '../audit/audit.service.js';
import type { BeginOptions } from '../limits/attempt-guard.js';

const EMAIL = 'ada@example.com';

function setup(overrides: Parameters<typeof limitPolicy>[0] = {}) {
  const row: AccountCredentials = { id: 'acc-1', email: EMAIL, name: null, emailVerified: false, disabled: false, createdAt: new Date(), passwordHash: 'hashed:right password' };
  const accounts = { findCredentialsByEmail: (email: string) => Promise.resolve(email === EMAIL ? row : undefined) } as unknown as AccountRepository;
  const calls = { verify: 0 };
  const hasher: PasswordHasher = {
    hash: (p) => Promise.resolve(`hashed:${p}`),
    // Slow enough that every guess is in flight at once, as with argon2.
    verify: async (h, p) => {
      calls.verify++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return h === `hashed:${p}`;
    },
    verifyDummy: () => Promise.resolve(false),
  };
  const limits = createLimits({ policy: limitPolicy(overrides), counters: memoryCounters, exempt: [] });
  const accountService = createAccountService({ accounts, hasher, policy: createPasswordPolicy(8, new Set()) });
  const events: AuditInput[] = [];
  const audit = { record: (input: AuditInput) => Promise.resolve(void events.push(input)) } as unknown as AuditService;
  const guarded = createGuardedSignIn({ accountService, guard: limits.password, audit });
  // Each check from its own address, as the limits see it; lockouts are read from the audit events.
  const signIn = { check: (email: string, password: string, ip: string, options?: BeginOptions) => guarded.check(email, password, { ip, meta: { ip, userAgent: null }, clientId: null, ...(options?.device && { device: options.device }) }) };
  const lockouts = () => events.filter((e) => e.type === 'lockout').map((e) => e.detail as { scope: string; factor: string });
  return { calls, limits, signIn, lockouts };
}

const addressOf = (i: number) => `198.51.${Math.floor(i / 250)}.${i % 250}`;

void describe('guarded sign-in (SECURITY.md A1, A14)', () => {
  void it('checks at most 100 of 200 parallel wrong passwords from 200 addresses, and reports one lockout', async () => {
    const { calls, signIn, lockouts } = setup();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => signIn.check(EMAIL, `wrong ${i}`, addressOf(i))));
    assert.equal(calls.verify, 100);
    assert.equal(results.filter((r) => r.limited).length, 100);
    assert.deepEqual(lockouts().filter((l) => l.scope === 'account').map((l) => l.factor), ['password'], 'one lockout event');
  });

  void it('refuses the right password too while the account limit holds, and accepts it after the window', async () => {
    const { calls, signIn } = setup({ passwordPerAccount: { points: 3, durationSeconds: 1 } });
    for (let i = 0; i < 3; i++) assert.equal((await signIn.check(EMAIL, 'wrong', addressOf(i))).limited, false);
    const during = await signIn.check(EMAIL, 'right password', addressOf(10));
    assert.equal(during.limited, true);
    assert.equal(calls.verify, 3);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await signIn.check(EMAIL, 'right password', addressOf(10));
    assert.ok(!after.limited && after.result.ok);
  });

  void it('blocks the guessing address progressively while a clean address still signs in', async () => {
    const { signIn } = setup();
    const attacker = '203.0.113.7';
    for (let i = 0; i < 5; i++) assert.equal((await signIn.check(EMAIL, 'wrong', attacker)).limited, false);
    const blocked = await signIn.check(EMAIL, 'right password', attacker);
    assert.ok(blocked.limited && blocked.retryAfterSeconds > 0 && blocked.retryAfterSeconds <= 60);
    const clean = await signIn.check(EMAIL, 'right password', '192.0.2.10');
    assert.ok(!clean.limited && clean.result.ok);
  });

  void it('counts unknown emails the same way, so a lockout reveals nothing', async () => {
    const { signIn } = setup({ passwordPerAccount: { points: 2, durationSeconds: 60 } });
    await signIn.check('nobody@example.com', 'x', addressOf(1));
    await signIn.check('nobody@example.com', 'x', addressOf(2));
    assert.equal((await signIn.check('nobody@example.com', 'x', addressOf(3))).limited, true);
  });

  void it('a success gives the account point back, and clear() unlocks at once', async () => {
    const { limits, signIn } = setup({ passwordPerAccount: { points: 2, durationSeconds: 60 } });
    await signIn.check(EMAIL, 'wrong', addressOf(1));
    assert.ok(!(await signIn.check(EMAIL, 'right password', addressOf(2))).limited);
    await signIn.check(EMAIL, 'wrong', addressOf(3));
    assert.equal((await signIn.check(EMAIL, 'right password', addressOf(4))).limited, true);
    await limits.password.clear(EMAIL, [addressOf(1), addressOf(3)]);
    const after = await signIn.check(EMAIL, 'right password', addressOf(4));
    assert.ok(!after.limited && after.result.ok);
  });

  void it('a known device skips the per-account lockout that 100 failures from 20 addresses caused; an unknown one is told which limit refused it', async () => {
    const { signIn } = setup();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => signIn.check(EMAIL, `wrong ${i}`, `198.51.100.${i % 20}`)));
    assert.equal(results.filter((r) => r.limited).length, 0);
    const known = await signIn.check(EMAIL, 'right password', '192.0.2.50', { device: 'nonce-of-ada-s-laptop' });
    assert.ok(!known.limited && known.result.ok);
    const unknown = await signIn.check(EMAIL, 'right password', '192.0.2.51');
    assert.ok(unknown.limited && unknown.scope === 'account', JSON.stringify(unknown));
  });

  void it('limits a known device on its own (10 failures by default, one lockout), after which the account limit applies to it', async () => {
    const { signIn, lockouts } = setup({ passwordPerAccount: { points: 100, durationSeconds: 60 } });
    const device = { device: 'stolen-cookie-nonce' };
    await Promise.all(Array.from({ length: 15 }, (_, i) => signIn.check(EMAIL, `wrong ${i}`, `203.0.113.${i}`, device)));
    assert.deepEqual(lockouts().map((l) => l.scope), ['device']);
    // Guesses 11-15 went to the account counter: the device is unknown again.
    for (let i = 0; i < 95; i++) await signIn.check(EMAIL, `more ${i}`, `198.51.100.${i}`);
    const after = await signIn.check(EMAIL, 'right password', '192.0.2.60', device);
    assert.ok(after.limited && after.scope === 'account', JSON.stringify(after));
  });

  void it('a right password on a known device clears its failures; address limits still apply to it', async () => {
    const { signIn } = setup({ passwordPerDevice: { points: 2, durationSeconds: 60 } });
    const device = { device: 'laptop' };
    await signIn.check(EMAIL, 'wrong', '192.0.2.70', device);
    assert.ok(!(await signIn.check(EMAIL, 'right password', '192.0.2.71', device)).limited);
    await signIn.check(EMAIL, 'wrong', '192.0.2.72', device);
    const checked = await signIn.check(EMAIL, 'right password', '192.0.2.73', device);
    assert.ok(!checked.limited && checked.result.ok);
    for (let i = 0; i < 5; i++) await signIn.check(EMAIL, 'wrong', '203.0.113.80', { device: `device ${i}` });
    const blocked = await signIn.check(EMAIL, 'right password', '203.0.113.80', device);
    assert.ok(blocked.limited && blocked.scope === 'account_address', JSON.stringify(blocked));
  });
});

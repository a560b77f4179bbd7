/**
 * The email limits (SECURITY.md A14): per-recipient caps answer "don't send", never a refusal an
 * attacker could aim at the owner; the owner's own step counts per interaction; the sender's
 * address is refused; wrong verification codes have a daily tier per address.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryCounters } from '../stores/memory-counters.js';
import { createEmailLimits, MAILS_PER_ACCOUNT, MAILS_PER_ADDRESS } from './email-limits.js';
import { limitPolicy } from './limit-policy.js';

const make = (codesPerDay = { points: 3, durationSeconds: 86_400 }) => createEmailLimits({ policy: limitPolicy(), make: memoryCounters, isExempt: () => false, codesPerDay });
let n = 0;
const ip = () => `203.0.113.${(n += 1)}`;

void describe('email limits', () => {
  void it('past the per-recipient cap a registration is allowed and sends nothing; the owner\'s step still sends', async () => {
    const limits = make();
    const sends = [];
    for (let i = 0; i < 7; i++) sends.push(await limits.registration('victim@example.com', ip()));
    assert.deepEqual(sends.map((d) => d.allowed && d.send), [true, true, true, true, true, false, false]);
    assert.equal((await limits.step('owner-interaction', ip(), 'owner')).allowed && true, true, 'the owner\'s "send again" has its own counter');
  });

  void it('counts a step per interaction, and refuses the sending address at its limit', async () => {
    const limits = make();
    const from = ip();
    for (let i = 0; i < 5; i++) assert.equal((await limits.step('one', from, undefined)).allowed, true);
    assert.equal((await limits.step('one', from, undefined)).allowed, false, 'the sixth message of one interaction');
    assert.equal((await limits.step('two', from, undefined)).allowed, true, 'another interaction');
    const sender = ip();
    for (let i = 0; i < MAILS_PER_ADDRESS.points; i++) await limits.registration(`r${i}@example.com`, sender);
    const refused = await limits.registration('fresh@example.com', sender);
    assert.equal(refused.allowed, false, 'the sender\'s own address is refused');
  });

  void it('past the per-account cap a sign-in step is allowed and sends nothing, over all interactions', async () => {
    const limits = make();
    const decisions = [];
    for (let i = 0; i < MAILS_PER_ACCOUNT.points + 2; i++) decisions.push(await limits.step(`interaction-${i}`, ip(), 'account-1'));
    assert.deepEqual(decisions.map((d) => d.allowed), decisions.map(() => true), 'never refused: the page stays the same');
    assert.deepEqual(decisions.map((d) => d.allowed && d.send), [...Array<boolean>(MAILS_PER_ACCOUNT.points).fill(true), false, false]);
    const other = await limits.step('interaction-x', ip(), 'account-2');
    assert.ok(other.allowed && other.send, 'another account has its own counter');
  });

  void it('refuses code guesses for an address past its daily tier; a right code gives its point back', async () => {
    const limits = make();
    const right = await limits.codeToday('a@example.com');
    assert.ok(right.allowed);
    await right.right();
    for (let i = 0; i < 3; i++) assert.equal((await limits.codeToday('a@example.com')).allowed, true);
    const refused = await limits.codeToday('a@example.com');
    assert.ok(!refused.allowed && refused.retryAfterSeconds > 3600, 'refused for the rest of the day');
    assert.equal((await limits.codeToday('b@example.com')).allowed, true);
  });
});

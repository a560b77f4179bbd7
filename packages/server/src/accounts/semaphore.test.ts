import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSemaphore } from './semaphore.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('semaphore', () => {
  it('never runs more tasks at once than its limit, and runs them all', async () => {
    const gate = createSemaphore(2);
    let running = 0;
    let peak = 0;
    const task = async (i: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => gate.run(() => task(i))));
    assert.equal(peak, 2);
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(gate.active, 0);
    assert.equal(gate.waiting, 0);
  });

  it('frees the slot of a task that failed', async () => {
    const gate = createSemaphore(1);
    await assert.rejects(gate.run(() => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await gate.run(() => Promise.resolve('next')), 'next');
    assert.equal(gate.active, 0);
  });

  it('starts waiting tasks in arrival order', async () => {
    const gate = createSemaphore(1);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => gate.run(async () => {
      order.push(i);
      await tick();
    })));
    assert.deepEqual(order, [1, 2, 3]);
  });

  it('refuses a limit below one', () => {
    assert.throws(() => createSemaphore(0), /positive limit/);
  });
});

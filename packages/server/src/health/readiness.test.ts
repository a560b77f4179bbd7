import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkReadiness, READINESS_CHECK_TIMEOUT_MS } from './readiness.js';

const ok = () => Promise.resolve();
const down = () => Promise.reject(new Error('connect ECONNREFUSED'));
const hangs = () => new Promise<void>(() => undefined);
const db = (primary: () => Promise<void>, reader: () => Promise<void>) => ({
  probe: (target: 'primary' | 'reader') => (target === 'primary' ? primary() : reader()),
});
/** The Redis store's health check (a dependency of its own, named `redis`). */
const redis = (ping: () => Promise<void>) => ({ dependency: 'redis', ping });

describe('checkReadiness', () => {
  it('is ready when every check passes, and leaves Redis out when it is not configured', async () => {
    assert.deepEqual(await checkReadiness({ db: db(ok, ok), store: redis(ok) }), { ready: true, checks: { primary: 'ok', reader: 'ok', redis: 'ok' } });
    assert.deepEqual(await checkReadiness({ db: db(ok, ok) }), { ready: true, checks: { primary: 'ok', reader: 'ok' } });
    // A store that is the primary database itself has no check of its own.
    assert.deepEqual(await checkReadiness({ db: db(ok, ok), store: { ping: down } }), { ready: true, checks: { primary: 'ok', reader: 'ok' } });
  });

  it('stays ready on the primary when the reader is down (fallback)', async () => {
    assert.deepEqual(await checkReadiness({ db: db(ok, down), store: redis(ok) }), { ready: true, checks: { primary: 'ok', reader: 'fallback', redis: 'ok' } });
  });

  it('is not ready without the primary or without Redis', async () => {
    assert.deepEqual(await checkReadiness({ db: db(down, down), store: redis(ok) }), { ready: false, checks: { primary: 'failed', reader: 'failed', redis: 'ok' } });
    assert.deepEqual(await checkReadiness({ db: db(down, ok), store: redis(ok) }), { ready: false, checks: { primary: 'failed', reader: 'ok', redis: 'ok' } });
    assert.deepEqual(await checkReadiness({ db: db(ok, ok), store: redis(down) }), { ready: false, checks: { primary: 'ok', reader: 'ok', redis: 'failed' } });
  });

  it('answers within about a second when every dependency hangs', async () => {
    const started = performance.now();
    const result = await checkReadiness({ db: db(hangs, hangs), store: redis(hangs) });
    const elapsed = performance.now() - started;
    assert.deepEqual(result, { ready: false, checks: { primary: 'failed', reader: 'failed', redis: 'failed' } });
    assert.ok(elapsed >= READINESS_CHECK_TIMEOUT_MS - 50 && elapsed < READINESS_CHECK_TIMEOUT_MS + 500, `${elapsed} ms`);
  });
});

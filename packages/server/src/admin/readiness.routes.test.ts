import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkReadiness, READINESS_CHECK_TIMEOUT_MS } from './readiness.routes.js';

const ok = () => Promise.resolve();
const down = () => Promise.reject(new Error('connect ECONNREFUSED'));
const hangs = () => new Promise<void>(() => undefined);
const db = (primary: () => Promise<void>, reader: () => Promise<void>) => ({
  probe: (target: 'primary' | 'reader') => (target === 'primary' ? primary() : reader()),
});

describe('checkReadiness', () => {
  it('is ready when every check passes, and leaves Redis out when it is not configured', async () => {
    assert.deepEqual(await checkReadiness({ db: db(ok, ok), pingRedis: ok }), { ready: true, checks: { primary: 'ok', reader: 'ok', redis: 'ok' } });
    assert.deepEqual(await checkReadiness({ db: db(ok, ok) }), { ready: true, checks: { primary: 'ok', reader: 'ok' } });
  });

  it('stays ready on the primary when the reader is down (fallback)', async () => {
    assert.deepEqual(await checkReadiness({ db: db(ok, down), pingRedis: ok }), { ready: true, checks: { primary: 'ok', reader: 'fallback', redis: 'ok' } });
  });

  it('is not ready without the primary or without Redis', async () => {
    assert.deepEqual(await checkReadiness({ db: db(down, down), pingRedis: ok }), { ready: false, checks: { primary: 'failed', reader: 'failed', redis: 'ok' } });
    assert.deepEqual(await checkReadiness({ db: db(down, ok), pingRedis: ok }), { ready: false, checks: { primary: 'failed', reader: 'ok', redis: 'ok' } });
    assert.deepEqual(await checkReadiness({ db: db(ok, ok), pingRedis: down }), { ready: false, checks: { primary: 'ok', reader: 'ok', redis: 'failed' } });
  });

  it('answers within about a second when every dependency hangs', async () => {
    const started = performance.now();
    const result = await checkReadiness({ db: db(hangs, hangs), pingRedis: hangs });
    const elapsed = performance.now() - started;
    assert.deepEqual(result, { ready: false, checks: { primary: 'failed', reader: 'failed', redis: 'failed' } });
    assert.ok(elapsed >= READINESS_CHECK_TIMEOUT_MS - 50 && elapsed < READINESS_CHECK_TIMEOUT_MS + 500, `${elapsed} ms`);
  });
});

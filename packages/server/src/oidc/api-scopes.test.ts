import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApiScopes } from './api-scopes.js';

describe('API scopes registry', () => {
  it('rebuilds once for a new scope and not for a known one', async () => {
    let rebuilds = 0;
    const scopes = createApiScopes({ rebuild: () => Promise.resolve(void rebuilds++) });
    await scopes.learnAndRebuild('openid read:invoices');
    await scopes.learnAndRebuild('read:invoices');
    assert.equal(rebuilds, 1);
    assert.ok(scopes.list().includes('read:invoices'));
  });

  it('a failed rebuild is reported, not thrown, and forgets the scope so the next sight retries', async () => {
    let fail = true;
    let rebuilds = 0;
    const errors: unknown[] = [];
    const scopes = createApiScopes({
      rebuild: () => {
        rebuilds++;
        return fail ? Promise.reject(new Error('keys unavailable')) : Promise.resolve();
      },
      onRebuildError: (error) => errors.push(error),
    });
    await scopes.learnAndRebuild('read:invoices');
    assert.equal(errors.length, 1);
    assert.ok(!scopes.list().includes('read:invoices'), 'the scope is forgotten after the failed rebuild');
    fail = false;
    await scopes.learnAndRebuild('read:invoices');
    assert.equal(rebuilds, 2, 'the next sight of the scope rebuilds again');
    assert.ok(scopes.list().includes('read:invoices'));
  });
});

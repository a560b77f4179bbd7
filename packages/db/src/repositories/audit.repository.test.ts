import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAuditRepository, migrateToLatest, openPglite, type Database } from '../index.js';

describe('audit repository on PGlite', () => {
  let db: Database;
  before(async () => {
    db = await openPglite(undefined);
    await migrateToLatest(db);
  });
  after(() => db.close());

  const event = (overrides: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    type: 'signin',
    accountId: 'acc-1',
    clientId: 'app',
    ip: '127.0.0.1',
    userAgent: 'test',
    outcome: 'success' as const,
    detail: {},
    ...overrides,
  });

  it('lists newest first, filtered by account or email, time and limit', async () => {
    const audit = createAuditRepository(db);
    const hourAgo = new Date(Date.now() - 3600_000);
    await audit.insert(event({ time: new Date(Date.now() - 2 * 3600_000), type: 'old' }));
    await audit.insert(event({ time: hourAgo, type: 'a' }));
    await audit.insert(event({ type: 'b' }));
    await audit.insert(event({ accountId: null, outcome: 'failure', detail: { email: 'ghost@example.com', reason: 'unknown_account' } }));
    await audit.insert(event({ accountId: 'acc-2', type: 'other' }));

    const mine = await audit.list({ accountId: 'acc-1', limit: 10 });
    assert.deepEqual(mine.map((e) => e.type), ['b', 'a', 'old']);
    const recent = await audit.list({ accountId: 'acc-1', since: new Date(Date.now() - 90 * 60_000), limit: 10 });
    assert.deepEqual(recent.map((e) => e.type), ['b', 'a']);
    assert.equal((await audit.list({ limit: 2 })).length, 2);
    const ghost = await audit.list({ email: 'ghost@example.com', limit: 10 });
    assert.deepEqual(ghost.map((e) => [e.outcome, e.detail.reason]), [['failure', 'unknown_account']]);
    assert.ok(mine[0]!.time instanceof Date);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditQuery, ListedAuditEvent } from '@portcullis/db';
import { auditAdminRoutes } from './audit.routes.js';
import type { AppError } from '../http/app-error.js';
import { fakeKoa, run } from '../../../../test/support/fake-koa.js';

const event: ListedAuditEvent = {
  id: 'e1', time: new Date('2026-12-03T09:00:00Z'), type: 'signin', outcome: 'failure', accountId: null, clientId: 'app',
  ip: '198.51.100.9', userAgent: 'UA', detail: { reason: 'unknown_email', email: 'nobody@example.com' }, accountEmail: null,
};

function setup(known: Record<string, string> = {}) {
  const queries: AuditQuery[] = [];
  const now = new Date('2026-12-03T10:00:00Z');
  const routes = auditAdminRoutes({
    audit: { list: (query) => (queries.push(query), Promise.resolve([event])) },
    users: {
      findByEmail: (email) => Promise.resolve(known[email] ? { id: known[email], email, name: null, emailVerified: false, disabled: false, createdAt: now } : undefined),
      findById: (id) => {
        const email = Object.keys(known).find((e) => known[e] === id);
        return Promise.resolve(email ? { id, email, name: null, emailVerified: false, disabled: false, createdAt: now } : undefined);
      },
    },
    clock: () => now,
  }).routes();
  return { routes, queries, now };
}

describe('GET /admin/audit', () => {
  it('lists the newest events with the default limit, in the API shape', async () => {
    const { routes, queries } = setup();
    const koa = fakeKoa({ path: '/admin/audit/' });
    await run(routes, koa);
    assert.deepEqual(queries, [{ limit: 100 }]);
    assert.deepEqual(koa.ctx.body, { events: [{
      id: 'e1', time: '2026-12-03T09:00:00.000Z', type: 'signin', outcome: 'failure', account_id: null, email: 'nobody@example.com',
      client_id: 'app', ip: '198.51.100.9', user_agent: 'UA', detail: { reason: 'unknown_email', email: 'nobody@example.com' },
    }] });
  });

  it('asks for the account with that email and for failed sign-ins that named it, within the window', async () => {
    const { routes, queries, now } = setup({ 'ada@example.com': 'acc' });
    await run(routes, fakeKoa({ path: '/admin/audit/', query: { user: 'ada@example.com', since: '15m', limit: '5' } }));
    assert.deepEqual(queries, [{ email: 'ada@example.com', accountId: 'acc', since: new Date(now.getTime() - 15 * 60_000), limit: 5 }]);
  });

  it('takes an account id as well, asking for that account and its email', async () => {
    const { routes, queries } = setup({ 'ada@example.com': 'acc' });
    await run(routes, fakeKoa({ path: '/admin/audit/', query: { user: 'acc' } }));
    assert.deepEqual(queries, [{ email: 'ada@example.com', accountId: 'acc', limit: 100 }]);
    // An id no account has (any more): its rows, kept under the id after a delete.
    await run(routes, fakeKoa({ path: '/admin/audit/', query: { user: 'deleted-id' } }));
    assert.deepEqual(queries[1], { accountId: 'deleted-id', limit: 100 });
  });

  it('asks by email alone when no account has it', async () => {
    const { routes, queries } = setup();
    await run(routes, fakeKoa({ path: '/admin/audit/', query: { user: 'nobody@example.com' } }));
    assert.deepEqual(queries, [{ email: 'nobody@example.com', limit: 100 }]);
  });

  it('refuses a bad window, limit or email without reading the log', async () => {
    const { routes, queries } = setup();
    for (const query of [{ since: '2y' }, { limit: '0' }, { limit: '1001' }, { user: 'not@an@email' }] as Record<string, string>[]) {
      await assert.rejects(run(routes, fakeKoa({ path: '/admin/audit/', query })), (error: AppError) => error.code === 'audit.invalid', JSON.stringify(query));
    }
    assert.equal(queries.length, 0);
  });
});

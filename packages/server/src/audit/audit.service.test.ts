import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRepository, NewAuditEvent } from '@portcullis/db';
import type { Logger } from '../observability/logger.js';
import { createAuditService, NO_REQUEST, requestMeta } from './audit.service.js';
import { fakeKoa } from '../../../../test/support/fake-koa.js';

function setup(options: { failWrite?: boolean } = {}) {
  const inserted: NewAuditEvent[] = [];
  const errors: { message: string; meta: unknown }[] = [];
  const repository = {
    insert: (event: NewAuditEvent) => {
      if (options.failWrite) return Promise.reject(new Error('disk full'));
      inserted.push(event);
      return Promise.resolve();
    },
    list: (query: unknown) => Promise.resolve([{ query }]),
  } as unknown as AuditRepository;
  const logger = { error: (message: string, meta: unknown) => void errors.push({ message, meta }) } as unknown as Logger;
  const now = new Date('2026-12-03T10:00:00Z');
  return { audit: createAuditService({ repository, logger, clock: () => now }), inserted, errors, now };
}

describe('audit service', () => {
  it('takes the address and user agent from the request, the agent capped at 512 characters', () => {
    const koa = fakeKoa({ ip: '198.51.100.9', headers: { 'User-Agent': 'x'.repeat(600) } });
    const meta = requestMeta(koa.ctx);
    assert.equal(meta.ip, '198.51.100.9');
    assert.equal(meta.userAgent, 'x'.repeat(512));
    assert.deepEqual(requestMeta(fakeKoa({ ip: '' }).ctx), { ip: null, userAgent: null });
  });

  it('writes one row per event with defaults for what the caller left out', async () => {
    const { audit, inserted, now } = setup();
    await audit.record({ type: 'signin' }, { ip: '198.51.100.9', userAgent: 'UA' });
    await audit.record({ type: 'lockout', outcome: 'failure', accountId: 'acc', clientId: 'app', detail: { scope: 'account' } }, NO_REQUEST);
    assert.equal(inserted.length, 2);
    const [first, second] = inserted;
    assert.match(first!.id, /^[0-9a-f-]{36}$/);
    assert.notEqual(first!.id, second!.id);
    assert.deepEqual({ ...first, id: undefined }, { id: undefined, time: now, type: 'signin', outcome: 'success', accountId: null, clientId: null, ip: '198.51.100.9', userAgent: 'UA', detail: {} });
    assert.deepEqual({ ...second, id: undefined }, { id: undefined, time: now, type: 'lockout', outcome: 'failure', accountId: 'acc', clientId: 'app', ip: null, userAgent: null, detail: { scope: 'account' } });
  });

  it('logs a failed write with the event type instead of failing the action', async () => {
    const { audit, errors } = setup({ failWrite: true });
    await audit.record({ type: 'mfa.verify' }, NO_REQUEST);
    assert.deepEqual(errors, [{ message: 'audit write failed', meta: { type: 'mfa.verify', error: 'disk full' } }]);
  });

  it('lists through the repository with the query as given', async () => {
    const { audit } = setup();
    const query = { accountId: 'acc', limit: 5 };
    assert.deepEqual(await audit.list(query), [{ query }]);
  });
});

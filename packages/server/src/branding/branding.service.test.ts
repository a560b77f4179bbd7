import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSettingsRepository, migrateToLatest, openPglite, type SettingsRepository } from '@portcullis/db';
import type { AuditInput, AuditService } from '../audit/audit.service.js';
import { NO_REQUEST } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { BRANDING_CACHE_MS, createBrandingService } from './branding.service.js';

function fakes(initial?: Record<string, unknown>) {
  const rows = new Map<string, Record<string, unknown>>(initial ? [['branding', initial]] : []);
  let reads = 0;
  let down = false;
  const settings: SettingsRepository = {
    get: (key) => {
      reads += 1;
      return down ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve(rows.get(key));
    },
    put: (key, value) => Promise.resolve(void rows.set(key, value)),
    merge: (key, value) => Promise.resolve(void rows.set(key, { ...rows.get(key), ...value })),
    remove: (key) => Promise.resolve(void rows.delete(key)),
  };
  const events: AuditInput[] = [];
  const audit = { record: (input: AuditInput) => Promise.resolve(void events.push(input)), list: () => Promise.resolve([]) } as unknown as AuditService;
  let clock = 0;
  return {
    rows,
    events,
    settings,
    audit,
    reads: () => reads,
    setDown: (value: boolean) => (down = value),
    tick: (ms: number) => (clock += ms),
    now: () => clock,
  };
}

describe('branding service', () => {
  it('lets each stored field win over the environment, and falls back to the defaults', async () => {
    const f = fakes({ primary_color: '#0f766e' });
    const service = createBrandingService({ ...f, environment: { product_name: 'Acme ID', primary_color: '#1d4ed8' } });
    assert.deepEqual(await service.current(), { productName: 'Acme ID', primaryColor: '#0f766e' });
    const bare = createBrandingService({ ...fakes(), environment: {} });
    assert.deepEqual(await bare.current(), { productName: 'Portcullis' });
  });

  it('ignores a stored value that fails the rules (written behind the API), rather than showing it', async () => {
    const f = fakes({ primary_color: 'red;}*{display:none', logo_url: 'javascript:alert(1)', product_name: 'Tampered' });
    const service = createBrandingService({ ...f, environment: { product_name: 'Acme ID' } });
    assert.deepEqual(await service.current(), { productName: 'Acme ID' });
  });

  it('reads the database at most once per cache period, and again at once after a change', async () => {
    const f = fakes();
    const service = createBrandingService({ ...f, environment: {} });
    await service.current();
    await service.current();
    assert.equal(f.reads(), 1);
    f.tick(BRANDING_CACHE_MS);
    await service.current();
    assert.equal(f.reads(), 2);
    await service.set({ product_name: 'Acme' }, NO_REQUEST);
    assert.equal((await service.current()).productName, 'Acme');
  });

  it('keeps the last known branding, or the environment, while the database is down', async () => {
    const f = fakes({ product_name: 'Stored' });
    const service = createBrandingService({ ...f, environment: { product_name: 'Env' } });
    assert.equal((await service.current()).productName, 'Stored');
    f.setDown(true);
    f.tick(BRANDING_CACHE_MS);
    assert.equal((await service.current()).productName, 'Stored');
    // One failed read per cache period, not one per request.
    const failedReads = f.reads();
    await service.current();
    assert.equal(f.reads(), failedReads);
    const cold = createBrandingService({ ...f, environment: { product_name: 'Env' } });
    assert.equal((await cold.current()).productName, 'Env');
    // Concurrent requests share one read.
    f.setDown(false);
    const fresh = createBrandingService({ ...f, environment: {} });
    const before = f.reads();
    await Promise.all([fresh.current(), fresh.current(), fresh.current()]);
    assert.equal(f.reads(), before + 1);
  });

  it('merges set fields into what is stored, audits each change, and refuses bad input with branding.invalid', async () => {
    const f = fakes({ product_name: 'Acme' });
    const service = createBrandingService({ ...f, environment: {} });
    const view = await service.set({ support_url: 'https://help.acme.example/' }, NO_REQUEST);
    assert.deepEqual(view.stored, { product_name: 'Acme', support_url: 'https://help.acme.example/' });
    await assert.rejects(service.set({ primary_color: 'blue' }, NO_REQUEST), (error: unknown) => error instanceof AppError && error.code === 'branding.invalid' && /primary_color: must be a colour/.test(error.publicMessage));
    await assert.rejects(service.set('not an object', NO_REQUEST), (error: unknown) => error instanceof AppError && error.status === 400);
    await service.reset(NO_REQUEST);
    assert.equal(f.rows.size, 0);
    assert.deepEqual(f.events.map((e) => [e.type, e.detail]), [['branding.updated', { fields: ['support_url'] }], ['branding.reset', {}]]);
  });

  it('a set on an instance whose cache is stale keeps the fields another instance stored (real database)', async () => {
    const db = await openPglite(undefined);
    try {
      await migrateToLatest(db);
      const settings = createSettingsRepository(db);
      const f = fakes();
      const here = createBrandingService({ settings, audit: f.audit, environment: {}, now: f.now });
      const there = createBrandingService({ settings, audit: f.audit, environment: {}, now: f.now });
      assert.deepEqual((await here.view()).stored, {}, 'this instance caches the empty branding');
      await there.set({ product_name: 'Acme' }, NO_REQUEST);
      const view = await here.set({ primary_color: '#0f766e' }, NO_REQUEST);
      assert.deepEqual(view.stored, { product_name: 'Acme', primary_color: '#0f766e' });
      assert.deepEqual(await settings.get('branding'), { product_name: 'Acme', primary_color: '#0f766e' });
    } finally {
      await db.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientRepository } from '@portcullis/db';
import { createClientCache, invalidatingClientRepository } from './client-cache.js';

describe('client cache', () => {
  it('serves a found client from memory until its TTL runs out', async () => {
    let now = 0;
    let loads = 0;
    const cache = createClientCache({ ttlMs: 1000, now: () => now });
    const load = () => Promise.resolve({ client_id: 'a', client_secret: `s${++loads}` });
    assert.equal((await cache.get('a', load))?.client_secret, 's1');
    now = 999;
    assert.equal((await cache.get('a', load))?.client_secret, 's1');
    now = 1000;
    assert.equal((await cache.get('a', load))?.client_secret, 's2');
    assert.equal(loads, 2);
  });

  it('never caches a miss, so a client created elsewhere is found at once', async () => {
    const cache = createClientCache();
    let exists = false;
    const load = () => Promise.resolve(exists ? { client_id: 'b' } : undefined);
    assert.equal(await cache.get('b', load), undefined);
    exists = true;
    assert.deepEqual(await cache.get('b', load), { client_id: 'b' });
  });

  it('shares one load between concurrent lookups', async () => {
    const cache = createClientCache();
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setImmediate(resolve));
      return { client_id: 'c' };
    };
    await Promise.all([cache.get('c', load), cache.get('c', load), cache.get('c', load)]);
    assert.equal(loads, 1);
  });

  it('does not keep what a load read before an invalidation that happened while it ran', async () => {
    const cache = createClientCache();
    let secret = 'old';
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const first = cache.get('d', async () => {
      const read = secret;
      await slow;
      return { client_id: 'd', client_secret: read };
    });
    secret = 'new';
    cache.invalidate('d');
    release();
    assert.equal((await first)?.client_secret, 'old');
    assert.equal((await cache.get('d', () => Promise.resolve({ client_id: 'd', client_secret: secret })))?.client_secret, 'new');
  });

  it('is invalidated by every change through the repository (update, delete); a creation is found without one', async () => {
    const cache = createClientCache();
    const store = new Map<string, string>([['e', 'v1']]);
    const repo = invalidatingClientRepository({
      insert: (c: { clientId: string }) => Promise.resolve(store.set(c.clientId, 'inserted') && c),
      update: (id: string) => Promise.resolve(store.set(id, 'v2') && { clientId: id }),
      delete: (id: string) => Promise.resolve(store.delete(id)),
    } as unknown as ClientRepository, (id) => cache.invalidate(id));
    const read = () => cache.get('e', () => Promise.resolve(store.has('e') ? { client_id: 'e', v: store.get('e') } : undefined));
    assert.equal((await read())?.v, 'v1');
    await repo.update('e', {});
    assert.equal((await read())?.v, 'v2');
    await repo.delete('e');
    assert.equal(await read(), undefined);
    await repo.insert({ clientId: 'e' } as never);
    assert.equal((await read())?.v, 'inserted');
  });

  it('reads the primary for a TTL after a change, so a lagging replica cannot bring the old row back', async () => {
    let now = 0;
    const cache = createClientCache({ ttlMs: 1000, now: () => now });
    const replica = { client_id: 'f', client_secret: 'old' };
    const primary = { client_id: 'f', client_secret: 'new' };
    const load = (fromPrimary: boolean) => Promise.resolve(fromPrimary ? primary : replica);
    assert.equal((await cache.get('f', load))?.client_secret, 'old');
    cache.invalidate('f');
    assert.equal((await cache.get('f', load))?.client_secret, 'new');
    now = 1001; // the entry expired, and so did the "changed lately" mark: replicas again
    assert.equal((await cache.get('f', load))?.client_secret, 'old');
  });

  it('forgets everything on invalidateAll; the next loads read the replicas as usual', async () => {
    const cache = createClientCache({ ttlMs: 1000, now: () => 0 });
    const seen: string[] = [];
    const load = (id: string) => (fromPrimary: boolean) => {
      seen.push(`${id}:${fromPrimary ? 'primary' : 'replica'}`);
      return Promise.resolve({ client_id: id });
    };
    await cache.get('g', load('g'));
    await cache.get('k', load('k'));
    await cache.get('g', load('g'));
    cache.invalidateAll();
    await cache.get('g', load('g'));
    await cache.get('k', load('k'));
    assert.deepEqual(seen, ['g:replica', 'k:replica', 'g:replica', 'k:replica']);
  });

  it('does not cache a load that was under way when everything was invalidated', async () => {
    const cache = createClientCache();
    let release!: () => void;
    const first = cache.get('h', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return { client_id: 'h', v: 'stale' };
    });
    await Promise.resolve();
    cache.invalidateAll();
    release();
    assert.equal((await first)?.v, 'stale');
    assert.equal((await cache.get('h', () => Promise.resolve({ client_id: 'h', v: 'fresh' })))?.v, 'fresh');
  });
});

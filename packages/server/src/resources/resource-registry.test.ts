import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredResource } from '@portcullis/db';
import { createResourceRegistry } from './resource-registry.js';
import { changeSchema } from '../stores/change.js';

const resource = (identifier: string, scopes: string[]): StoredResource => ({
  identifier, name: identifier, scopes, accessTokenFormat: 'jwt', accessTokenTtl: 600, createdAt: new Date(), updatedAt: new Date(),
});

describe('resource registry', () => {
  it('serves the table as last loaded: a reload adds, changes and forgets resources, and tells the scopes', async () => {
    let table = [resource('https://a.example', ['read'])];
    const seen: string[] = [];
    const registry = createResourceRegistry({ load: () => Promise.resolve(table), scopesSeen: (scope) => { seen.push(scope); return Promise.resolve(); } });
    assert.equal(registry.find('https://a.example'), undefined, 'nothing before the first load');
    await registry.reload();
    assert.deepEqual(registry.find('https://a.example')?.scopes, ['read']);
    table = [resource('https://b.example', ['write', 'admin'])];
    await registry.reload();
    assert.equal(registry.find('https://a.example'), undefined, 'a deleted resource is gone');
    assert.deepEqual(registry.list().map((r) => r.identifier), ['https://b.example']);
    assert.deepEqual(seen, ['read', 'write admin']);
  });

  it('keeps the previous table when a reload fails', async () => {
    let fail = false;
    const registry = createResourceRegistry({ load: () => (fail ? Promise.reject(new Error('primary down')) : Promise.resolve([resource('https://a.example', ['read'])])) });
    await registry.reload();
    fail = true;
    await assert.rejects(registry.reload(), /primary down/);
    assert.ok(registry.find('https://a.example'));
  });

  it('is announced to the other instances as a change the feed parses', () => {
    assert.deepEqual(changeSchema.parse({ kind: 'resource' }), { kind: 'resource' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useFakeAdminApi } from '../testing/fake-admin-api.js';
import { envFor, run } from '../testing/run.js';

const ITEMS = 'https://api.example/items';
const resourceBody = (overrides: Record<string, unknown> = {}) => ({
  identifier: ITEMS,
  name: 'Items API',
  scopes: ['read:items', 'write:items'],
  access_token_format: 'jwt',
  access_token_ttl: 600,
  created_at: '2026-12-03T15:00:00.000Z',
  updated_at: '2026-12-03T15:00:00.000Z',
  ...overrides,
});

void describe('portcullis resources', () => {
  const api = useFakeAdminApi();

  void it('create POSTs the identifier, scopes, format and lifetime in seconds, and prints the resource', async () => {
    api.reply = () => ({ status: 201, body: resourceBody() });
    const result = await run(['resources', 'create', '--identifier', ITEMS, '--scope', 'read:items', '--scope', 'write:items', '--access-token-format', 'jwt', '--ttl', '10m', '--name', 'Items API'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'POST');
    assert.equal(api.requests[0]?.url, '/admin/resources');
    assert.deepEqual(api.requests[0]?.body, { identifier: ITEMS, name: 'Items API', scopes: ['read:items', 'write:items'], access_token_format: 'jwt', access_token_ttl: 600 });
    assert.match(result.stdout, /^Identifier +https:\/\/api\.example\/items$/m);
    assert.match(result.stdout, /^Token lifetime +600 s$/m);
  });

  void it('refuses a bad identifier, scope, format or lifetime with exit 2 before sending anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--identifier', 'http://api.example', '--scope', 'a'], /http is only allowed for loopback hosts/],
      [['--identifier', 'https://api.example/#f', '--scope', 'a'], /fragment/],
      [['--identifier', 'not a uri', '--scope', 'a'], /identifier/],
      [['--identifier', ITEMS, '--scope', 'openid'], /OpenID Connect scope/],
      [['--identifier', ITEMS], /at least one scope/],
      [['--identifier', ITEMS, '--scope', 'a', '--ttl', 'soon'], /--ttl: "soon" is not a duration/],
      [['--identifier', ITEMS, '--scope', 'a', '--ttl', '30s'], /at least 60 seconds/],
      [['--identifier', ITEMS, '--scope', 'a', '--ttl', '25h'], /at most 86400 seconds/],
      [['--identifier', ITEMS, '--scope', 'a', '--access-token-format', 'jwe'], /jwt or opaque/],
      [['--scope', 'a'], /--identifier/],
    ];
    for (const [flags, error] of cases) {
      const result = await run(['resources', 'create', ...flags], envFor(api));
      assert.equal(result.code, 2, flags.join(' '));
      assert.match(result.stderr, error, flags.join(' '));
    }
    assert.equal(api.requests.length, 0);
  });

  void it('show, update and delete put the identifier in one percent-encoded path segment', async () => {
    api.reply = () => ({ status: 200, body: resourceBody() });
    assert.equal((await run(['resources', 'show', ITEMS], envFor(api))).code, 0);
    const updated = await run(['resources', 'update', ITEMS, '--scope', 'read:items', '--ttl', '300', '--json'], envFor(api));
    assert.equal(updated.code, 0, updated.stderr);
    api.reply = () => ({ status: 204 });
    const deleted = await run(['resources', 'delete', ITEMS, '--yes'], envFor(api));
    assert.equal(deleted.code, 0, deleted.stderr);
    const path = `/admin/resources/${encodeURIComponent(ITEMS)}`;
    assert.deepEqual(api.requests.map((r) => [r.method, r.url]), [['GET', path], ['PATCH', path], ['DELETE', path]]);
    assert.deepEqual(api.requests[1]?.body, { scopes: ['read:items'], access_token_ttl: 300 });
    assert.match(deleted.stdout, /Deleted resource https:\/\/api\.example\/items\./);
  });

  void it('update with nothing to change, and delete without --yes or a terminal, exit 2 unsent', async () => {
    assert.equal((await run(['resources', 'update', ITEMS], envFor(api))).code, 2);
    const deleted = await run(['resources', 'delete', ITEMS], envFor(api));
    assert.equal(deleted.code, 2);
    assert.match(deleted.stderr, /pass --yes/);
    assert.equal(api.requests.length, 0);
  });

  void it('update --help names no defaults (an update changes only what is given); create --help does', async () => {
    const update = await run(['resources', 'update', '--help'], envFor(api));
    assert.equal(update.code, 0, update.stderr);
    assert.match(update.stdout, /--ttl <duration>/);
    assert.doesNotMatch(update.stdout, /default/);
    const create = await run(['resources', 'create', '--help'], envFor(api));
    assert.match(create.stdout, /default 15m/);
  });

  void it('lists resources, and says an API error as one line with exit 1', async () => {
    api.reply = () => ({ status: 200, body: { resources: [resourceBody(), resourceBody({ identifier: 'https://ledger.example', name: 'Ledger', access_token_format: 'opaque' })] } });
    const list = await run(['resources', 'list'], envFor(api));
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^IDENTIFIER +NAME +SCOPES +FORMAT +TTL$/m);
    assert.match(list.stdout, /https:\/\/ledger\.example +Ledger .* opaque/);
    api.reply = () => ({ status: 409, body: { error: 'resource.exists', message: 'A resource with this identifier exists already.' } });
    const duplicate = await run(['resources', 'create', '--identifier', ITEMS, '--scope', 'a'], envFor(api));
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /exists already/);
  });
});

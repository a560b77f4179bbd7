import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useFakeAdminApi } from '../testing/fake-admin-api.js';
import { clientBody } from '../testing/fixtures.js';
import { envFor, run } from '../testing/run.js';

const KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' };
const MACHINE = ['--grant-type', 'client_credentials'];

void describe('portcullis clients: --require-par, --require-dpop, --jwks-file, --jwks-uri', () => {
  const api = useFakeAdminApi();
  let dir: string;
  let jwksFile: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'portcullis-cli-jwks-'));
    jwksFile = path.join(dir, 'keys.json');
    await writeFile(jwksFile, JSON.stringify({ keys: [KEY] }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  void it('create sends require_pushed_authorization_requests and dpop_bound_access_tokens, and shows them', async () => {
    api.reply = () => ({ status: 201, body: clientBody({ require_pushed_authorization_requests: true, dpop_bound_access_tokens: true }) });
    const result = await run(['clients', 'create', '--name', 'Strict', '--redirect-uri', 'https://app.example/cb', '--require-par', '--require-dpop'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    const body = api.requests[0]?.body as Record<string, unknown>;
    assert.equal(body.require_pushed_authorization_requests, true);
    assert.equal(body.dpop_bound_access_tokens, true);
    assert.match(result.stdout, /^Requires PAR +yes$/m);
    assert.match(result.stdout, /^Requires DPoP +yes$/m);
  });

  void it('create --auth-method private_key_jwt --jwks-file sends the key set read from the file', async () => {
    api.reply = () => ({ status: 201, body: clientBody({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [KEY] } }) });
    const result = await run(['clients', 'create', '--name', 'Signed', ...MACHINE, '--auth-method', 'private_key_jwt', '--jwks-file', jwksFile], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    const body = api.requests[0]?.body as Record<string, unknown>;
    assert.equal(body.token_endpoint_auth_method, 'private_key_jwt');
    assert.deepEqual(body.jwks, { keys: [KEY] });
    assert.match(result.stdout, /^JWKS +1 key\(s\), registered inline$/m);
    assert.doesNotMatch(result.stdout, /shown only once/);
  });

  void it('create --jwks-uri sends the URL; update switches between the two sources and removes the URL with ""', async () => {
    api.reply = () => ({ status: 201, body: clientBody({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://rp.example/jwks' }) });
    assert.equal((await run(['clients', 'create', '--name', 'Signed', ...MACHINE, '--auth-method', 'private_key_jwt', '--jwks-uri', 'https://rp.example/jwks'], envFor(api))).code, 0);
    assert.equal((api.requests[0]?.body as Record<string, unknown>).jwks_uri, 'https://rp.example/jwks');
    api.reply = () => ({ status: 200, body: clientBody() });
    await run(['clients', 'update', 'cl_123', '--jwks-file', jwksFile], envFor(api));
    await run(['clients', 'update', 'cl_123', '--jwks-uri', 'https://rp.example/jwks'], envFor(api));
    await run(['clients', 'update', 'cl_123', '--jwks-uri', '', '--no-require-par', '--no-require-dpop'], envFor(api));
    assert.deepEqual(api.requests.slice(1).map((r) => r.body), [
      { jwks: { keys: [KEY] }, jwks_uri: null },
      { jwks_uri: 'https://rp.example/jwks', jwks: null },
      { jwks_uri: null, require_pushed_authorization_requests: false, dpop_bound_access_tokens: false },
    ]);
  });

  void it('refuses before any request: no keys, keys without the method, both sources, a bad, special or oversized file, an http jwks_uri', async () => {
    const privateFile = path.join(dir, 'private.json');
    await writeFile(privateFile, JSON.stringify({ keys: [{ ...KEY, d: 'secret' }] }));
    const notJson = path.join(dir, 'not.json');
    await writeFile(notJson, 'keys');
    const large = path.join(dir, 'large.json');
    await writeFile(large, JSON.stringify({ keys: [KEY], padding: 'x'.repeat(64 * 1024) }));
    const cases: [string[], RegExp][] = [
      [['--auth-method', 'private_key_jwt'], /needs the client's public keys: --jwks-file or --jwks-uri/],
      [['--jwks-file', jwksFile], /only for --auth-method private_key_jwt/],
      [['--auth-method', 'private_key_jwt', '--jwks-file', jwksFile, '--jwks-uri', 'https://rp.example/jwks'], /--jwks-file or --jwks-uri, not both/],
      [['--auth-method', 'private_key_jwt', '--jwks-file', privateFile], /private key material \(d\)/],
      [['--auth-method', 'private_key_jwt', '--jwks-file', notJson], /not JSON/],
      [['--auth-method', 'private_key_jwt', '--jwks-file', path.join(dir, 'missing.json')], /cannot read it \(ENOENT\)/],
      [['--auth-method', 'private_key_jwt', '--jwks-file', '/dev/zero'], /--jwks-file "\/dev\/zero": not a regular file/],
      [['--auth-method', 'private_key_jwt', '--jwks-file', dir], /not a regular file/],
      [['--auth-method', 'private_key_jwt', '--jwks-file', large], /larger than 64 KiB/],
      [['--auth-method', 'private_key_jwt', '--jwks-uri', 'http://rp.example/jwks'], /--jwks-uri "http:\/\/rp.example\/jwks" must be an https:\/\/ URL/],
    ];
    for (const [flags, message] of cases) {
      const result = await run(['clients', 'create', '--name', 'X', ...MACHINE, ...flags], envFor(api));
      assert.equal(result.code, 2, flags.join(' '));
      assert.match(result.stderr, message, flags.join(' '));
    }
    assert.equal(api.requests.length, 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useFakeAdminApi } from '../testing/fake-admin-api.js';
import { keyBody } from '../testing/fixtures.js';
import { envFor, run } from '../testing/run.js';

void describe('portcullis keys', () => {
  const api = useFakeAdminApi();

  const afterRotation = {
    keys: [
      keyBody({ kid: 'key-2' }),
      keyBody({ status: 'retired', retired_at: '2026-11-29T00:00:00.000Z', publish_until: '2026-12-06T00:00:00.000Z' }),
    ],
  };

  void it('list prints one row per key, with "-" for dates that are not set', async () => {
    api.reply = () => ({ status: 200, body: { keys: [keyBody()] } });
    const result = await run(['keys', 'list'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.url, '/admin/keys');
    assert.match(result.stdout, /^KID +ALG +STATUS +CREATED +RETIRED +PUBLISHED UNTIL$/m);
    assert.match(result.stdout, /^key-1 +RS256 +active +2026-11-28T12:00:00\.000Z +- +-$/m);
  });

  void it('rotate POSTs and prints the full list the API returns', async () => {
    api.reply = () => ({ status: 200, body: afterRotation });
    const result = await run(['keys', 'rotate', '--json'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'POST');
    assert.equal(api.requests[0]?.url, '/admin/keys/rotate');
    assert.deepEqual(JSON.parse(result.stdout), afterRotation);
  });

  const counts = (resealed: number, current: number, unreadable = 0) => ({ resealed, current, unreadable, changed_meanwhile: 0 });

  void it('reseal POSTs and prints the counts per kind of sealed value', async () => {
    api.reply = () => ({ status: 200, body: { client_secret: counts(3, 0), signing_key: counts(2, 1), totp_seed: counts(5, 0), mail_params: counts(1, 0) } });
    const result = await run(['keys', 'reseal'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'POST');
    assert.equal(api.requests[0]?.url, '/admin/keys/reseal');
    assert.match(result.stdout, /^SEALED +RESEALED +ALREADY CURRENT +UNREADABLE +CHANGED MEANWHILE$/m);
    assert.match(result.stdout, /^signing_key +2 +1 +0 +0$/m);
  });

  void it('reseal fails, after printing the counts, when a value opens with no key of the ring', async () => {
    api.reply = () => ({ status: 200, body: { client_secret: counts(0, 3), signing_key: counts(0, 2), totp_seed: counts(0, 4, 1), mail_params: counts(0, 0) } });
    const result = await run(['keys', 'reseal'], envFor(api));
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^totp_seed +0 +4 +1 +0$/m);
    assert.match(result.stderr, /^portcullis: 1 sealed value\(s\) open with no key of the ring; keep the old keys until this is understood\n$/);
  });

  void it('reports a response outside the contract instead of printing half of it', async () => {
    api.reply = () => ({ status: 200, body: { keys: [keyBody({ status: 'compromised' })] } });
    const result = await run(['keys', 'list'], envFor(api));
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^portcullis: unexpected response from GET \/admin\/keys at keys\.0\.status: [^\n]+\n$/);
  });
});

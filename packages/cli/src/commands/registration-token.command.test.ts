import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useFakeAdminApi } from '../testing/fake-admin-api.js';
import { envFor, run } from '../testing/run.js';

const tokenBody = (fields: Record<string, unknown> = {}) => ({
  id: 'tok_1',
  state: 'active',
  expires_at: '2026-12-04T00:00:00.000Z',
  max_uses: 3,
  uses: 0,
  revoked_at: null,
  created_at: '2026-12-03T00:00:00.000Z',
  ...fields,
});

void describe('portcullis clients registration-token', () => {
  const api = useFakeAdminApi();

  void it('create sends the lifetime in seconds and the use count, and prints the token once with a warning', async () => {
    api.reply = () => ({ status: 201, body: tokenBody({ token: 'the-token-value' }) });
    const result = await run(['clients', 'registration-token', 'create', '--expires', '12h', '--max-uses', '3'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'POST');
    assert.equal(api.requests[0]?.url, '/admin/registration-tokens');
    assert.deepEqual(api.requests[0]?.body, { expires_in: 43_200, max_uses: 3 });
    assert.match(result.stdout, /^Token +the-token-value$/m);
    assert.match(result.stdout, /shown only once/);
  });

  void it('refuses a bad --expires or --max-uses before any request (exit 2)', async () => {
    for (const flags of [['--expires', '1w'], ['--expires', '0d'], ['--max-uses', '0'], ['--max-uses', '2.5'], ['--max-uses', 'many']]) {
      const result = await run(['clients', 'registration-token', 'create', ...flags], envFor(api));
      assert.equal(result.code, 2, flags.join(' '));
    }
    assert.equal(api.requests.length, 0);
  });

  void it('list shows state and uses, never a token; revoke deletes by id', async () => {
    api.reply = () => ({ status: 200, body: { tokens: [tokenBody({ uses: 3, state: 'used_up' })] } });
    const listed = await run(['clients', 'registration-token', 'list'], envFor(api));
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /tok_1 +used_up +3\/3/);
    api.reply = () => ({ status: 204 });
    const revoked = await run(['clients', 'registration-token', 'revoke', 'tok_1'], envFor(api));
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(api.requests.at(-1)?.method, 'DELETE');
    assert.equal(api.requests.at(-1)?.url, '/admin/registration-tokens/tok_1');
  });
});

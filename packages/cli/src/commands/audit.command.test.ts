import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useFakeAdminApi } from '../testing/fake-admin-api.js';
import { auditEventBody } from '../testing/fixtures.js';
import { envFor, run } from '../testing/run.js';

void describe('portcullis audit', () => {
  const api = useFakeAdminApi();

  void it('passes --user, --since and --limit as query parameters and prints a table', async () => {
    api.reply = () => ({ status: 200, body: { events: [auditEventBody(), auditEventBody({ id: 'evt-2', type: 'mfa.verify', outcome: 'failure', detail: { method: 'totp' } })] } });
    const result = await run(['audit', '--user', 'ada+x@example.com', '--since', '24h', '--limit', '5'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'GET');
    assert.equal(api.requests[0]?.url, '/admin/audit?user=ada%2Bx%40example.com&since=24h&limit=5');
    assert.match(result.stdout, /^TIME +TYPE +OUTCOME +USER +CLIENT +IP +DETAIL$/m);
    assert.match(result.stdout, /^2026-11-28T12:00:00\.000Z +signin +success +ada@example\.com +cl_123 +127\.0\.0\.1 +mfa_required=true$/m);
    assert.match(result.stdout, /mfa\.verify +failure .* method=totp$/m);
  });

  void it('sends no filters unless asked and says when there is nothing', async () => {
    api.reply = () => ({ status: 200, body: { events: [] } });
    const result = await run(['audit'], envFor(api));
    assert.equal(api.requests[0]?.url, '/admin/audit');
    assert.equal(result.stdout, 'No audit events.\n');
  });

  void it('prints exactly the API document with --json', async () => {
    const body = { events: [auditEventBody()] };
    api.reply = () => ({ status: 200, body });
    const result = await run(['audit', '--json'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), body);
  });

  for (const [flags, message] of [
    [['--since', '1w'], 'portcullis: --since must be a number and a unit, such as 15m, 24h or 7d\n'],
    [['--since', '24'], 'portcullis: --since must be a number and a unit, such as 15m, 24h or 7d\n'],
    [['--limit', '0'], 'portcullis: --limit must be 1-1000\n'],
    [['--user', ''], 'portcullis: --user must be an e-mail address or an account id\n'],
  ] as const) {
    void it(`rejects ${flags.join(' ')} with exit 2 and no request`, async () => {
      const result = await run(['audit', ...flags], envFor(api));
      assert.equal(result.code, 2);
      assert.equal(result.stderr, message);
      assert.equal(api.requests.length, 0);
    });
  }
});

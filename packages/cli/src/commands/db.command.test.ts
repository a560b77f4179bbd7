import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeAdminApi, type FakeAdminApi } from '../testing/fake-admin-api.js';
import { envFor, run } from '../testing/run.js';

void describe('portcullis db migrate', () => {
  let api: FakeAdminApi;
  before(async () => {
    api = await startFakeAdminApi();
  });
  after(() => api.close());

  void it('POSTs to /admin/db/migrate and lists what was applied', async () => {
    api.reply = () => ({
      status: 200,
      body: {
        applied: ['2026-11-28T0002-mfa'],
        migrations: [
          { name: '2026-11-28T0001-initial', executed_at: '2026-11-28T12:00:00.000Z' },
          { name: '2026-11-28T0002-mfa', executed_at: '2026-11-29T08:00:00.000Z' },
        ],
      },
    });
    const result = await run(['db', 'migrate'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests.at(-1)?.method, 'POST');
    assert.equal(api.requests.at(-1)?.url, '/admin/db/migrate');
    assert.match(result.stdout, /^Applied 1 migration\(s\): 2026-11-28T0002-mfa$/m);
    assert.match(result.stdout, /^2026-11-28T0001-initial +2026-11-28T12:00:00\.000Z$/m);
  });

  void it('says so when nothing was pending', async () => {
    api.reply = () => ({ status: 200, body: { applied: [], migrations: [{ name: 'm1', executed_at: '2026-11-28T12:00:00.000Z' }] } });
    const result = await run(['db', 'migrate'], envFor(api));
    assert.match(result.stdout, /up to date/);
  });
});

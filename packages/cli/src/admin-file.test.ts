import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFakeAdminApi, type FakeAdminApi } from './testing/fake-admin-api.js';
import { run } from './testing/run.js';

/** DATA_DIR/admin.json, written by a running embedded server: the CLI's way to it with no environment. */
void describe('admin.json of a running embedded server', () => {
  let api: FakeAdminApi;
  let dir: string;
  before(async () => {
    api = await startFakeAdminApi();
    api.reply = () => ({ status: 200, body: { clients: [] } });
    dir = await mkdtemp(path.join(tmpdir(), 'portcullis-cli-admin-file-'));
    await mkdir(path.join(dir, '.data'));
    await writeFile(path.join(dir, '.data', 'secrets.json'), JSON.stringify({ adminToken: 'token-from-secrets' }));
  });
  after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    api.requests.length = 0;
  });

  const writeAdminFile = (pid: number) =>
    writeFile(path.join(dir, '.data', 'admin.json'), JSON.stringify({ adminUrl: `http://127.0.0.1:${api.port}`, adminToken: 'token-of-running-server', pid }));

  void it('takes the URL and token of the running server from ./.data/admin.json with no environment', async () => {
    await writeAdminFile(process.pid);
    const result = await run(['clients', 'list'], {}, { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.headers.authorization, 'Bearer token-of-running-server');
  });

  void it('lets ADMIN_TOKEN and --admin-url win over the file', async () => {
    await writeAdminFile(process.pid);
    assert.equal((await run(['clients', 'list'], { ADMIN_TOKEN: 'from-env' }, { cwd: dir })).code, 0);
    assert.equal(api.requests[0]?.headers.authorization, 'Bearer from-env');
    const elsewhere = await run(['clients', 'list', '--admin-url', 'http://127.0.0.1:1'], {}, { cwd: dir });
    assert.match(elsewhere.stderr, /http:\/\/127\.0\.0\.1:1\b/);
  });

  void it('ignores a file whose server is gone (killed before it could remove it)', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    await writeAdminFile(Number(gone.stdout.trim()));
    const result = await run(['clients', 'list'], {}, { cwd: dir });
    assert.equal(api.requests.length, 0, 'the dead server’s address is not used');
    assert.notEqual(result.code, 0, 'the defaults apply (nothing of ours listens there)');
  });
});

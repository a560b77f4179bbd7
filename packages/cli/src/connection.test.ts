import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { resolveConnection } from './connection.js';
import { startFakeAdminApi, type FakeAdminApi } from './testing/fake-admin-api.js';
import { run } from './testing/run.js';

void describe('connection settings', () => {
  let api: FakeAdminApi;
  let dir: string;
  before(async () => {
    api = await startFakeAdminApi();
    api.reply = () => ({ status: 200, body: { clients: [] } });
    dir = await mkdtemp(path.join(tmpdir(), 'portcullis-cli-'));
  });
  after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    api.requests.length = 0;
  });

  const envWithoutToken = () => ({ ADMIN_HOST: '127.0.0.1', ADMIN_PORT: String(api.port) });

  void it('reads the token from DATA_DIR/secrets.json, resolving a relative DATA_DIR from cwd, when ADMIN_TOKEN is unset', async () => {
    await mkdir(path.join(dir, 'data'), { recursive: true });
    const secrets = { cookieKeys: ['k'.repeat(32)], encryptionKey: 'AAAA', adminToken: 'token-from-file' };
    await writeFile(path.join(dir, 'data', 'secrets.json'), JSON.stringify(secrets));

    const result = await run(['clients', 'list'], { ...envWithoutToken(), DATA_DIR: './data', ADMIN_TOKEN: '' }, { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.headers.authorization, 'Bearer token-from-file');
  });

  void it('prefers ADMIN_TOKEN to the file, and --token to both', async () => {
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'data', 'secrets.json'), JSON.stringify({ adminToken: 'token-from-file' }));
    const env = { ...envWithoutToken(), DATA_DIR: path.join(dir, 'data'), ADMIN_TOKEN: 'token-from-env' };

    await run(['clients', 'list'], env);
    await run(['--token', 'token-from-flag', 'clients', 'list'], env);
    assert.deepEqual(
      api.requests.map((request) => request.headers.authorization),
      ['Bearer token-from-env', 'Bearer token-from-flag'],
    );
  });

  void it('without any token exits 1 with one line naming npm start and ADMIN_TOKEN, and sends nothing', async () => {
    const result = await run(['clients', 'list'], { ...envWithoutToken(), DATA_DIR: path.join(dir, 'missing') });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^portcullis: [^\n]*npm start[^\n]*ADMIN_TOKEN\n$/);
    assert.equal(api.requests.length, 0);
  });

  void it('explains a secrets.json that is not JSON instead of treating it as missing', async () => {
    await mkdir(path.join(dir, 'broken'), { recursive: true });
    await writeFile(path.join(dir, 'broken', 'secrets.json'), '{ not json');
    const result = await run(['clients', 'list'], { ...envWithoutToken(), DATA_DIR: path.join(dir, 'broken') });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /secrets\.json is not valid JSON\n$/);
  });

  void it('--admin-url overrides ADMIN_HOST/ADMIN_PORT and keeps a path prefix', async () => {
    const env = { ADMIN_PORT: '1', ADMIN_TOKEN: 't' };
    const result = await run(['clients', 'list', '--admin-url', `http://127.0.0.1:${api.port}/`], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.url, '/admin/clients');

    const connection = await resolveConnection({ env, stdout: process.stdout, stderr: process.stderr }, { adminUrl: 'https://ops.example/portcullis/' });
    assert.equal(connection.baseUrl, 'https://ops.example/portcullis');
  });

  void it('builds the URL from the environment, bracketing IPv6 and dialling loopback for wildcard binds', async () => {
    const io = (env: Record<string, string>) => ({ env: { ADMIN_TOKEN: 't', ...env }, stdout: process.stdout, stderr: process.stderr });
    assert.equal((await resolveConnection(io({}), {})).baseUrl, 'http://127.0.0.1:9464');
    assert.equal((await resolveConnection(io({ ADMIN_HOST: '::1', ADMIN_PORT: '9000' }), {})).baseUrl, 'http://[::1]:9000');
    assert.equal((await resolveConnection(io({ ADMIN_HOST: '0.0.0.0' }), {})).baseUrl, 'http://127.0.0.1:9464');
    assert.equal((await resolveConnection(io({ ADMIN_HOST: '::' }), {})).baseUrl, 'http://[::1]:9464');
  });

  void it('rejects a bad ADMIN_PORT with exit 1 and names the variable', async () => {
    const result = await run(['clients', 'list'], { ADMIN_PORT: 'http', ADMIN_TOKEN: 't' });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'portcullis: invalid environment: ADMIN_PORT: must be a port number (1-65535)\n');
  });

  void it('rejects a non-http --admin-url as a usage error', async () => {
    const result = await run(['clients', 'list', '--admin-url', 'ftp://x'], { ADMIN_TOKEN: 't' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^portcullis: --admin-url "ftp:\/\/x": must be an http\(s\) URL\n$/);
  });
});

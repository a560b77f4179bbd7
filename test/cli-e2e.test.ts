/**
 * The `portcullis` CLI as a separate process against a real server: the same validation path
 * as the admin API, one JSON document with --json, and a clear one-line error otherwise.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText } from './support/user-agent.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('portcullis CLI against a running server', () => {
  let server: TestServer;
  let env: Record<string, string>;

  const cli = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    server = await startTestServer();
    const adminPort = new URL(server.adminUrl).port;
    // No ADMIN_TOKEN: the CLI must find it in DATA_DIR/secrets.json, as after `npm start`.
    env = { ADMIN_HOST: '127.0.0.1', ADMIN_PORT: adminPort, DATA_DIR: server.dataDir, ADMIN_TOKEN: '' };
  });
  after(() => server.close());

  it('creates a confidential client and prints exactly one JSON document with the secret', async () => {
    const run = await cli('clients', 'create', '--name', 'CLI app', '--redirect-uri', 'https://cli.example/cb', '--json');
    assert.equal(run.code, 0, run.stderr);
    const client = JSON.parse(run.stdout);
    assert.match(client.client_id, /\S{16,}/);
    assert.ok(client.client_secret.length >= 32);
    assert.deepEqual(client.grant_types, ['authorization_code', 'refresh_token']);
    assert.equal(client.token_endpoint_auth_method, 'client_secret_basic');
    const shown = await cli('clients', 'show', client.client_id, '--json');
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).client_secret, undefined, 'the secret is shown once only');
  });

  it('creates a client_credentials client without a redirect URI', async () => {
    const run = await cli('clients', 'create', '--name', 'Service', '--grant-type', 'client_credentials', '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).grant_types, ['client_credentials']);
  });

  it('exits non-zero with a one-line reason and changes nothing on bad input', async () => {
    const before = (await server.admin('GET', '/admin/clients')).body.clients.length;
    const bad = [
      ['clients', 'create', '--name', 'X', '--redirect-uri', 'not a url'],
      ['clients', 'create', '--name', 'X', '--redirect-uri', 'http://app.example/cb'],
      ['clients', 'create', '--name', 'X', '--redirect-uri', 'https://app.example/cb', '--grant-type', 'password'],
      ['clients', 'create', '--name', 'X'],
      ['clients', 'create', '--redirect-uri', 'https://app.example/cb'],
    ];
    for (const args of bad) {
      const run = await cli(...args);
      assert.notEqual(run.code, 0, args.join(' '));
      assert.equal(run.stdout, '');
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
    assert.equal((await server.admin('GET', '/admin/clients')).body.clients.length, before);
  });

  it('refuses a first-party native app, on create and on update, with a message saying why', async () => {
    const refused = await cli('clients', 'create', '--name', 'Phone', '--public', '--first-party', '--redirect-uri', 'com.example.phone:/cb');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /cannot be --first-party.*RFC 8252 §8\.6/);
    const created = await cli('clients', 'create', '--name', 'Phone', '--public', '--redirect-uri', 'com.example.phone:/cb', '--json');
    assert.equal(created.code, 0, created.stderr);
    const { client_id: id } = JSON.parse(created.stdout) as { client_id: string };
    const update = await cli('clients', 'update', id, '--first-party');
    assert.notEqual(update.code, 0);
    assert.match(update.stderr, /cannot be first-party/);
    assert.equal((await server.admin('GET', `/admin/clients/${id}`)).body.first_party, false);
  });

  it('reports a missing client as an error', async () => {
    const run = await cli('clients', 'show', 'no-such-client');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^portcullis: No client has this id/);
  });

  it('disables a user so sign-in fails, and enables them again', async () => {
    const agent = new UserAgent();
    const login = await agent.follow(`${server.issuer}/demo/login`);
    const register = await agent.request(new URL(/href="([^"]*\/register)"/.exec(login.body)![1]!, login.url).href);
    await agent.submit(register, '/register', { email: 'cli-user@example.com', password: 'a long enough passphrase' });

    assert.equal((await cli('users', 'disable', 'cli-user@example.com')).code, 0);
    const shown = JSON.parse((await cli('users', 'show', 'cli-user@example.com', '--json')).stdout);
    assert.equal(shown.disabled, true);

    const again = new UserAgent();
    const page = await again.follow(`${server.issuer}/demo/login`);
    const refused = await again.submit(page, '/login', { email: 'cli-user@example.com', password: 'a long enough passphrase' });
    assert.equal(refused.status, 401);
    assert.match(alertText(refused.body) ?? '', /incorrect/);

    assert.equal((await cli('users', 'enable', 'cli-user@example.com')).code, 0);
    const retry = await again.follow(`${server.issuer}/demo/login`);
    const ok = await again.submit(retry, '/login', { email: 'cli-user@example.com', password: 'a long enough passphrase' });
    assert.equal(ok.status, 303);
  });

  it('rotates keys: new active generation, the old one still published', async () => {
    const before = JSON.parse((await cli('keys', 'list', '--json')).stdout).keys;
    const rotated = await cli('keys', 'rotate', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    const after = JSON.parse(rotated.stdout).keys;
    const active = after.filter((k: { status: string }) => k.status === 'active');
    assert.deepEqual(active.map((k: { alg: string }) => k.alg).sort(), ['ES256', 'EdDSA', 'RS256']);
    assert.ok(active.every((k: { kid: string }) => !before.some((b: { kid: string }) => b.kid === k.kid)));
    const jwks = (await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    for (const key of after) assert.ok(jwks.keys.some((k) => k.kid === key.kid), `${key.kid} published`);
  });

  it('reports migrations as up to date', async () => {
    const run = await cli('db', 'migrate', '--json');
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.applied, []);
    assert.ok(report.migrations.every((m: { executed_at: string | null }) => m.executed_at !== null));
  });
});

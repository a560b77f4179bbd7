/**
 * Embedded mode as `npm start` runs it: state on disk in DATA_DIR survives a restart, both
 * loopback addresses answer, and a bad environment stops the start with every problem named.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('embedded mode on disk', () => {
  let dataDir: string;
  let ports: { port: number; adminPort: number };
  let server: TestServer | undefined;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-embedded-'));
    ports = { port: await freePort(), adminPort: await freePort() };
  });
  after(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps generated secrets in DATA_DIR with mode 0600', async () => {
    server = await startTestServer({}, { dataDir, ports });
    const file = path.join(dataDir, 'secrets.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const secrets = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(secrets.adminToken, server.adminToken);
  });

  it('answers on both IPv4 and IPv6 loopback when HOST is localhost', async () => {
    for (const host of ['127.0.0.1', '[::1]']) {
      const response = await fetch(`http://${host}:${ports.port}/.well-known/openid-configuration`);
      assert.equal(response.status, 200, host);
    }
  });

  it('keeps a signed-in session, clients and keys across a restart', async () => {
    const agent = new UserAgent();
    const login = await agent.follow(`${server!.issuer}/demo/login`);
    const register = await agent.request(new URL(/href="([^"]*\/register)"/.exec(login.body)![1]!, login.url).href);
    const registered = await agent.submit(register, '/register', { email: 'restart@example.com', password: 'a long enough passphrase' });
    assert.equal((await agent.follow(registered.location!)).status, 200);
    const jwksBefore = await (await fetch(`${server!.issuer}/jwks`)).text();

    await server!.close();
    server = await startTestServer({}, { dataDir, ports });

    assert.equal(await (await fetch(`${server.issuer}/jwks`)).text(), jwksBefore);
    // The browser's session cookie still works: the demo signs in without a login page.
    const again = await agent.follow(`${server.issuer}/demo/login`);
    assert.equal(again.status, 200);
    assert.match(again.body, /ID token claims/);
    assert.match(again.body, /restart@example\.com/);
  });
});

describe('start-up with a bad environment', () => {
  it('exits 1 and names every bad variable', async () => {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'packages/server/src/main.ts'],
        { cwd: root, env: { ...process.env, PORT: 'eighty', ISSUER: 'not a url', ADMIN_TOKEN: 'short', DATA_DIR: os.tmpdir() }, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
    assert.equal(result.code, 1);
    for (const variable of ['PORT', 'ISSUER', 'ADMIN_TOKEN']) assert.match(result.stderr, new RegExp(`${variable}:`));
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });
});

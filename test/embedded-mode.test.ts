/**
 * Embedded mode as `npm start` runs it: state on disk in DATA_DIR survives a restart, both
 * loopback addresses answer, DATA_DIR is private to its owner or the start is refused, and a
 * bad environment stops the start with every problem named.
 */
import { confirmEmail } from './support/mail.js';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
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
    assert.equal((await agent.follow((await confirmEmail(agent, registered, 'restart@example.com')).location!)).status, 200);
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

/** Every directory and file under `dir` (itself included) that group or others can use, with its mode. */
async function openToOthers(dir: string): Promise<string[]> {
  const found: string[] = [];
  const mode = (await stat(dir)).mode & 0o777;
  if (mode & 0o077) found.push(`${dir} ${mode.toString(8)}`);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await openToOthers(entryPath)));
    else if ((await stat(entryPath)).mode & 0o077) found.push(`${entryPath} ${((await stat(entryPath)).mode & 0o777).toString(8)}`);
  }
  return found;
}

/** Starts `packages/server/src/main.ts` with `env` and waits for it to exit (or be killed). */
function runMain(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

describe('DATA_DIR permissions', () => {
  it('makes a DATA_DIR of its own 0700 at start and leaves nothing in it open to others', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-open-'));
    try {
      await chmod(dataDir, 0o777);
      const server = await startTestServer({}, { dataDir });
      try {
        assert.equal((await stat(dataDir)).mode & 0o777, 0o700, 'DATA_DIR while running');
      } finally {
        await server.close();
      }
      assert.deepEqual(await openToOthers(dataDir), [], 'secrets and database files after a clean stop');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a shared directory with the sticky bit (as /tmp is) and leaves its mode alone', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-sticky-'));
    try {
      await chmod(dataDir, 0o1777);
      const result = await runMain({ DATA_DIR: dataDir, PORT: String(await freePort()), ADMIN_PORT: String(await freePort()), HOST: '127.0.0.1' });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /DATA_DIR .* is not safe for secrets: it is a shared directory \(sticky bit/);
      assert.equal((await stat(dataDir)).mode & 0o7777, 0o1777, 'never narrowed');
      assert.deepEqual(await readdir(dataDir), [], 'nothing written');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start, naming DATA_DIR, when another user owns it and others can write to it', async () => {
    // As root, a directory given to `nobody`; otherwise the system's world-writable temp directory.
    const asRoot = process.getuid?.() === 0;
    const dataDir = asRoot ? await mkdtemp(path.join(os.tmpdir(), 'portcullis-foreign-')) : os.tmpdir();
    try {
      if (asRoot) {
        await chown(dataDir, 65534, 65534);
        await chmod(dataDir, 0o777);
      }
      const found = await stat(dataDir);
      assert.ok(found.uid !== process.getuid?.() && (found.mode & 0o002) !== 0, `${dataDir} must belong to another user and be world-writable for this test`);
      const result = await runMain({ DATA_DIR: dataDir, PORT: String(await freePort()), ADMIN_PORT: String(await freePort()), HOST: '127.0.0.1' });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`DATA_DIR ${dataDir} is not safe for secrets: it belongs to another user`));
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
      if (asRoot) assert.deepEqual(await readdir(dataDir), [], 'nothing written');
    } finally {
      if (asRoot) await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('start-up with a bad environment', () => {
  it('exits 1 and names every bad variable', async () => {
    const result = await runMain({ PORT: 'eighty', ISSUER: 'not a url', ADMIN_TOKEN: 'short', DATA_DIR: os.tmpdir() });
    assert.equal(result.code, 1);
    for (const variable of ['PORT', 'ISSUER', 'ADMIN_TOKEN']) assert.match(result.stderr, new RegExp(`${variable}:`));
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });
});

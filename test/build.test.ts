/**
 * `npm run build` and the built code as production runs it: the server from packages/server/dist
 * with NODE_ENV=production, `--conditions=portcullis-dist` and no tsx, answering discovery, and the
 * built CLI printing the version. Type stripping is switched off in the child processes, so loading
 * a single TypeScript file (a `@portcullis/*` import that still resolved to src/) fails the test.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PORTCULLIS_VERSION } from '@portcullis/contract';
import { freePort } from '@portcullis/db/testing/free-port';

const root = join(import.meta.dirname, '..');
const BUILT = ['--conditions=portcullis-dist', '--no-experimental-strip-types'];
/** Only what a production host sets: no NODE_OPTIONS (so no `--import tsx`) from the test runner. */
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NODE_ENV: 'production', LOG_LEVEL: 'warn' };

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<Response> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) assert.fail(`the built server exited ${child.exitCode}:\n${log()}`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.ok) return response;
    if (Date.now() > deadline) assert.fail(`no answer from ${url} in 30 s:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

void describe('npm run build', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let output = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-build-'));
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}${build.stderr}`);
  });

  after(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  void it('compiles every package to JavaScript, without tests or test support', () => {
    for (const name of ['contract', 'config', 'db', 'server', 'cli']) {
      assert.ok(existsSync(join(root, 'packages', name, 'dist', 'index.js')), `${name}/dist/index.js`);
      const files = readdirSync(join(root, 'packages', name, 'dist'), { recursive: true, encoding: 'utf8' });
      assert.deepEqual(files.filter((file) => /\.ts$|\.test\.js$|(^|\/)testing(\/|$)/.test(file)), [], name);
    }
    assert.ok(existsSync(join(root, 'packages/server/dist/views/assets/portcullis.css')), 'the stylesheet is copied');
  });

  void it('starts the built server in production mode and answers discovery and /healthz', async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const issuer = `http://localhost:${port}`;
    server = spawn(process.execPath, [...BUILT, join(root, 'packages/server/dist/main.js')], {
      cwd: dir,
      env: { ...baseEnv, DATA_DIR: join(dir, 'data'), HOST: '127.0.0.1', PORT: String(port), ADMIN_PORT: String(adminPort), ISSUER: issuer },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const health = await waitFor(`http://127.0.0.1:${adminPort}/healthz`, server, () => output);
    assert.deepEqual(await health.json(), { status: 'ok', version: PORTCULLIS_VERSION });
    const discovery = (await (await waitFor(`${issuer}/.well-known/openid-configuration`, server, () => output)).json()) as { issuer: string };
    assert.equal(discovery.issuer, issuer);
    const css = await fetch(`${issuer}/assets/portcullis.css`);
    assert.equal(css.status, 200, 'the stylesheet, read from dist/ beside the built code');
    assert.match(await css.text(), /\S/);
    assert.doesNotMatch(output, /ERR_|failed to start/);
  });

  void it('runs the built CLI', () => {
    const result = spawnSync(process.execPath, [...BUILT, join(root, 'packages/cli/dist/main.js'), '--version'], { cwd: dir, env: baseEnv, encoding: 'utf8' });
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, `${PORTCULLIS_VERSION}\n`);
    assert.equal(result.status, 0);
  });
});

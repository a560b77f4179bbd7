/**
 * The container image against the local production stack: `npm run image:build` builds
 * localhost/portcullis:dev (or reuses its cached layers), a container of it runs read-only as its
 * non-root user on the stack's PostgreSQL (through PgBouncer, reads through HAProxy) and Redis
 * (through the Sentinels) with an ISSUER of its own, its HEALTHCHECK turns healthy, and a person
 * in Chromium signs in to a third-party app through it. The container is always removed, and the
 * stack's instances are restarted after it so they register their built-in clients with their
 * own ISSUER again. The image size is reported as a test diagnostic.
 * Cost: ~40 s with the layers cached, ~1.5 min after a source change, ~5.5 min on a clean machine
 * (debootstrap and the dependency download; docs/image.md).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PORTCULLIS_VERSION } from '@portcullis/contract';
import { openBrowser, type BrowserSession } from '../support/browser.js';
import { confirmEmailInBrowser, registerMailDir } from '../support/mail.js';
import { uniqueEmail } from '../support/pages.js';
import { startRelyingParty, type RelyingParty } from '../support/relying-party.js';
import { callAdmin, freePort, stackEnv } from '../support/test-server.js';
import { publicUrls, stack, waitFor } from './stack-control.js';

const root = path.resolve(import.meta.dirname, '../..');
const IMAGE = 'localhost/portcullis:dev';
const NAME = `portcullis-image-test-${process.pid}`;
/** Root Podman on a host without its own configuration uses the project's (scripts/image-build.sh). */
const env = {
  ...process.env,
  ...(!process.env.CONTAINERS_CONF && !existsSync('/etc/containers/containers.conf') && { CONTAINERS_CONF: path.join(root, 'infra/image/containers.conf') }),
};

function run(command: string, args: string[], timeout = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: root, env, timeout, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function podman(...args: string[]): Promise<string> {
  const result = await run('podman', args);
  if (result.code !== 0) throw new Error(`podman ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

describe('the container image on the production stack', () => {
  let issuer = '';
  let adminUrl = '';
  const adminToken = stackEnv('STACK_ADMIN_TOKEN');
  let app: RelyingParty | undefined;
  let session: BrowserSession | undefined;
  const admin = (method: string, pathname: string, body?: unknown) => callAdmin(adminUrl, adminToken, method, pathname, body);

  before(async () => {
    const build = await run('bash', ['scripts/image-build.sh'], 540_000);
    assert.equal(build.code, 0, `npm run image:build failed:\n${build.stderr}`);
    const [port, adminPort] = [await freePort(), await freePort()];
    issuer = `http://localhost:${port}`;
    registerMailDir(issuer, stackEnv('STACK_SMTP_DIR'));
    adminUrl = `http://127.0.0.1:${adminPort}`;
    // Host networking: the stack listens on loopback. HOST/ADMIN_HOST narrow the image's
    // 0.0.0.0 to loopback so the test exposes nothing.
    const settings = {
      DATABASE_URL: stackEnv('STACK_PGBOUNCER_URL'),
      DATABASE_READ_URL: stackEnv('STACK_READ_URL'),
      // Through the Sentinels, as the stack's own instances: a Redis failover needs no restart.
      REDIS_SENTINELS: stackEnv('STACK_REDIS_SENTINELS'),
      REDIS_SENTINEL_NAME: stackEnv('STACK_REDIS_SENTINEL_NAME'),
      ISSUER: issuer,
      HOST: 'localhost',
      PORT: String(port),
      ADMIN_HOST: '127.0.0.1',
      ADMIN_PORT: String(adminPort),
      COOKIE_KEYS: stackEnv('STACK_COOKIE_KEYS'),
      ENCRYPTION_KEY: stackEnv('STACK_ENCRYPTION_KEY'),
      ADMIN_TOKEN: adminToken,
      RATE_LIMIT_EXEMPT: '127.0.0.1,::1',
      LOG_LEVEL: 'warn',
      // The stack's SMTP sink, as its own instances: a registration's code is read from there.
      SMTP_URL: stackEnv('STACK_SMTP_URL'),
    };
    // The secrets go in through the environment of `podman run` (-e NAME), never on its command line.
    Object.assign(env, settings);
    await podman('run', '--detach', '--name', NAME, '--read-only', '--network', 'host', ...Object.keys(settings).flatMap((name) => ['-e', name]), IMAGE);
    // No systemd here to run the HEALTHCHECK on its interval: run it as the timer would.
    await waitFor('the container\'s HEALTHCHECK', async () => (await run('podman', ['healthcheck', 'run', NAME])).code === 0, 60_000);
  }, { timeout: 660_000 });

  after(async () => {
    await session?.close();
    await app?.close();
    await run('podman', ['rm', '--force', '--time', '5', NAME]);
    // The container ran with an ISSUER of its own on the stack's database, and registered the
    // built-in clients (the account page's) with its own URLs: a database serves one issuer
    // (docs/production.md). The stack's instances register them again as they start.
    for (let n = 1; n <= publicUrls().length; n++) {
      await stack('stop-app', String(n));
      await stack('start-app', String(n));
    }
  }, { timeout: 120_000 });

  it('reports healthy, runs as a non-root user on a read-only root filesystem, and names the version', async (t) => {
    assert.equal(await podman('inspect', '--format', '{{.State.Health.Status}}', NAME), 'healthy');
    assert.equal(await podman('exec', NAME, 'id', '-u'), '10001');
    assert.notEqual((await run('podman', ['exec', NAME, 'touch', '/app/written'])).code, 0, 'the root filesystem is read-only');
    assert.deepEqual(await (await fetch(`${adminUrl}/healthz`)).json(), { status: 'ok', version: PORTCULLIS_VERSION });
    assert.equal(await podman('exec', NAME, 'portcullis', '--version'), PORTCULLIS_VERSION);
    assert.equal(await podman('inspect', '--format', '{{index .Config.Labels "org.opencontainers.image.version"}}', IMAGE), PORTCULLIS_VERSION);
    const ready = (await (await fetch(`${adminUrl}/readyz`)).json()) as { status: string };
    assert.equal(ready.status, 'ready', JSON.stringify(ready));
    const bytes = Number(await podman('image', 'inspect', '--format', '{{.Size}}', IMAGE));
    assert.ok(bytes > 0);
    t.diagnostic(`image ${IMAGE}: ${(bytes / 1e6).toFixed(0)} MB`);
  });

  it('signs a person in to a third-party app in Chromium', async () => {
    app = await startRelyingParty({ issuer, admin });
    session = await openBrowser();
    const { page } = session;
    const email = uniqueEmail('image');
    await page.goto(app.origin);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a passphrase for the image test');
    await page.getByRole('button', { name: 'Create account' }).click();
    await confirmEmailInBrowser(page, email);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    const claims = JSON.parse(await page.locator('#claims').innerText()) as { email: string; iss: string; aud: string };
    assert.equal(claims.email, email);
    assert.equal(claims.iss, issuer);
    assert.equal(claims.aud, app.clientId);
  });
});

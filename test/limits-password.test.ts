/**
 * Brute force on the password step over HTTP (SECURITY.md A1, A13, A14): the exact per-account
 * ceiling under concurrency, the way back in (the window lapses; `portcullis users unlock`; a
 * device that signed in before), per-address blocks that spare a clean address, and
 * X-Forwarded-For ignored without TRUST_PROXY.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { openLogin, registerAccount, uniqueEmail } from './support/pages.js';
import { UserAgent, alertText, csrfToken, formAction, type Page } from './support/user-agent.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PASSWORD = 'the real passphrase of this person';
/** Long enough that the whole flood lands in one window. */
const WINDOW_SECONDS = 15;

/** Opens a fresh login page; the returned function posts one password, as if from `address`. */
async function prepare(server: TestServer, email: string, password: string, address?: string, agent = new UserAgent()): Promise<() => Promise<Page>> {
  const login = await openLogin(server, agent);
  const url = new URL(formAction(login.body, '/login'), login.url).href;
  return () => agent.request(url, { form: { csrf: csrfToken(login.body), email, password }, headers: address ? { 'x-forwarded-for': address } : {} });
}

async function attempt(server: TestServer, email: string, password: string, address?: string, agent?: UserAgent): Promise<Page> {
  return (await prepare(server, email, password, address, agent))();
}

async function auditOf(server: TestServer, email: string, type: string) {
  const response = await server.admin('GET', `/admin/audit?user=${encodeURIComponent(email)}&limit=1000`);
  assert.equal(response.status, 200);
  return (response.body.events as { type: string; outcome: string; detail: Record<string, unknown>; ip: string | null }[]).filter((e) => e.type === type);
}


describe('password brute force (A1)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', RATE_LIMIT_EXEMPT: '' }, {
      limits: { passwordPerAccount: { points: 100, durationSeconds: WINDOW_SECONDS } },
    });
  });
  after(() => server.close());

  it('evaluates at most 100 of 200 parallel wrong passwords from 200 addresses; 429 + Retry-After for the rest', async () => {
    const email = uniqueEmail('flood');
    await registerAccount(server, { email, password: PASSWORD });
    const posts = await Promise.all(Array.from({ length: 200 }, (_, i) => prepare(server, email, `wrong guess ${i}`, `198.51.${Math.floor(i / 100)}.${i % 100}`)));
    const started = Date.now();
    const pages = await Promise.all(posts.map((post) => post()));
    const statuses = pages.map((p) => p.status);
    assert.equal(statuses.filter((s) => s === 401).length, 100, `statuses: ${JSON.stringify(statuses)}`);
    assert.equal(statuses.filter((s) => s === 429).length, 100);
    const limited = pages.find((p) => p.status === 429)!;
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.match(alertText(limited.body) ?? '', /temporarily limited on new devices/);

    // The real password is refused too while the hour (here: the short window) lasts...
    assert.equal((await attempt(server, email, PASSWORD, '192.0.2.200')).status, 429);
    assert.equal((await auditOf(server, email, 'signin')).filter((e) => e.outcome === 'failure').length, 100);
    const lockouts = await auditOf(server, email, 'lockout');
    assert.equal(lockouts.length, 1);
    assert.equal(lockouts[0]!.detail.scope, 'account');

    // ...and works again once it has passed.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + WINDOW_SECONDS * 1000 + 500 - Date.now())));
    assert.equal((await attempt(server, email, PASSWORD, '192.0.2.200')).status, 303);
  });

  it('blocks the guessing address progressively while the person signs in from another', async () => {
    const email = uniqueEmail('progressive');
    await registerAccount(server, { email, password: PASSWORD });
    const attacker = '203.0.113.9';
    for (let i = 0; i < 5; i++) assert.equal((await attempt(server, email, `wrong ${i}`, attacker)).status, 401);
    const blocked = await attempt(server, email, PASSWORD, attacker);
    assert.equal(blocked.status, 429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal((await attempt(server, email, PASSWORD, '192.0.2.77')).status, 303);
    const lockouts = await auditOf(server, email, 'lockout');
    assert.deepEqual(lockouts.map((e) => [e.detail.scope, e.ip]), [['account_address', attacker]]);
  });
});

describe('a device that signed in before (A14, OWASP device cookies)', () => {
  let server: TestServer;
  // The default limits: 100 failures per account per hour, 5 per account and address.
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', RATE_LIMIT_EXEMPT: '' });
  });
  after(() => server.close());

  /** 100 wrong passwords from 20 addresses, five each: the per-account limit is full. */
  const exhaustAccount = async (email: string, net: number) => {
    const posts = await Promise.all(Array.from({ length: 100 }, (_, i) => prepare(server, email, `wrong guess ${i}`, `198.51.${net}.${i % 20}`)));
    const statuses = (await Promise.all(posts.map((post) => post()))).map((p) => p.status);
    assert.deepEqual([...new Set(statuses)], [401], JSON.stringify(statuses));
  };

  it('lets the real user in from a browser that signed in before, while unknown devices get a clear 429', async () => {
    const email = uniqueEmail('device');
    await registerAccount(server, { email, password: PASSWORD });
    const browser = new UserAgent();
    assert.equal((await attempt(server, email, PASSWORD, '192.0.2.10', browser)).status, 303);

    await exhaustAccount(email, 1);

    // The person's own browser, from a clean address, with the right password.
    assert.equal((await attempt(server, email, PASSWORD, '192.0.2.11', browser)).status, 303);
    // A new device, from a clean address, with the right password: the per-account lockout.
    const unknown = await attempt(server, email, PASSWORD, '192.0.2.12');
    assert.equal(unknown.status, 429);
    assert.ok(Number(unknown.headers.get('retry-after')) >= 1);
    assert.match(alertText(unknown.body) ?? '', /temporarily limited on new devices/);
    assert.match(alertText(unknown.body) ?? '', /device you have signed in from before/);
    const lockouts = (await auditOf(server, email, 'lockout')).filter((e) => e.detail.scope !== 'account_address');
    assert.deepEqual(lockouts.map((e) => e.detail.scope), ['account'], 'one lockout event for the account');
  });

  it('gives no way around the lockout to a device cookie of another account, or a forged one', async () => {
    const [victim, attacker] = [uniqueEmail('victim'), uniqueEmail('attacker')];
    await registerAccount(server, { email: victim, password: PASSWORD });
    await registerAccount(server, { email: attacker, password: PASSWORD });
    const browser = new UserAgent();
    assert.equal((await attempt(server, attacker, PASSWORD, '192.0.2.20', browser)).status, 303);
    await exhaustAccount(victim, 2);
    assert.equal((await attempt(server, victim, PASSWORD, '192.0.2.21', browser)).status, 429, "the attacker's own device cookie names the attacker");

    const forged = new UserAgent();
    const cookies = await browser.jar.getCookies(server.issuer);
    assert.deepEqual(cookies.filter((c) => c.key.includes('device')).map((c) => [c.key, c.httpOnly, c.sameSite]), [['portcullis.device', true, 'lax'], ['portcullis.device.sig', true, 'lax']]);
    for (const cookie of cookies) {
      const value = cookie.key.includes('device') && !cookie.key.endsWith('.sig')
        ? Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(cookie.value, 'base64url').toString('utf8')), a: victim })).toString('base64url')
        : cookie.value;
      await forged.jar.setCookie(`${cookie.key}=${value}; Path=/`, server.issuer);
    }
    assert.equal((await attempt(server, victim, PASSWORD, '192.0.2.22', forged)).status, 429, 'a cookie edited to name the victim fails its signature');
  });

  it("limits a known device on its own: after 10 failures it is an unknown device again", async () => {
    const email = uniqueEmail('stolen');
    await registerAccount(server, { email, password: PASSWORD });
    const browser = new UserAgent();
    assert.equal((await attempt(server, email, PASSWORD, '192.0.2.30', browser)).status, 303);
    await exhaustAccount(email, 3);
    // A stolen device cookie: 10 guesses, each from a fresh address, then the account's lockout.
    for (let i = 0; i < 10; i++) assert.equal((await attempt(server, email, `stolen guess ${i}`, `203.0.113.${100 + i}`, browser)).status, 401);
    assert.equal((await attempt(server, email, PASSWORD, '203.0.113.120', browser)).status, 429);
    const scopes = (await auditOf(server, email, 'lockout')).map((e) => e.detail.scope).filter((scope) => scope !== 'account_address').sort();
    assert.deepEqual(scopes, ['account', 'device']);
  });
});

describe('the way back in: portcullis users unlock', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', RATE_LIMIT_EXEMPT: '' }, { limits: { passwordPerAccount: { points: 3, durationSeconds: 3600 } } });
  });
  after(() => server.close());

  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env, ADMIN_HOST: '127.0.0.1', ADMIN_PORT: new URL(server.adminUrl).port, DATA_DIR: server.dataDir, ADMIN_TOKEN: '' };
      execFile(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: root, env }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });

  it('lets the real password in again at once, for the account and the addresses that failed', async () => {
    const email = uniqueEmail('unlock');
    await registerAccount(server, { email, password: PASSWORD });
    for (let i = 0; i < 3; i++) assert.equal((await attempt(server, email, 'wrong', '203.0.113.50')).status, 401);
    assert.equal((await attempt(server, email, PASSWORD, '192.0.2.5')).status, 429);
    const run = await cli('users', 'unlock', email);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /is unlocked/);
    assert.equal((await attempt(server, email, PASSWORD, '192.0.2.5')).status, 303);
    assert.equal((await server.admin('POST', '/admin/users/nobody%40example.com/unlock')).status, 404);
  });
});

describe('the address a limit counts (R14)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: 'false', RATE_LIMIT_EXEMPT: '' });
  });
  after(() => server.close());

  it('ignores a spoofed X-Forwarded-For when TRUST_PROXY is false', async () => {
    const email = uniqueEmail('spoof');
    await registerAccount(server, { email, password: PASSWORD });
    for (let i = 0; i < 5; i++) assert.equal((await attempt(server, email, 'wrong', `198.51.100.${i + 1}`)).status, 401);
    const sixth = await attempt(server, email, PASSWORD, '198.51.100.99');
    assert.equal(sixth.status, 429, 'a new X-Forwarded-For must not buy a fresh per-address budget');
    assert.ok(sixth.headers.get('retry-after'));
  });
});

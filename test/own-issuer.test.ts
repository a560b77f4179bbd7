/**
 * The built-in clients (/account, /demo) reach this server on its own listener, not over the
 * public ISSUER URL: an instance that cannot reach its own public URL (no hairpin through the
 * front, split DNS, a firewall) still signs people in; and when even its own listener cannot be
 * reached, the page says the service is unavailable (503, not a 500) and the log names ISSUER.
 */
import { confirmEmail } from './support/mail.js';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@portcullis/config';
import { closeAll, createPortcullis, listen } from '@portcullis/server';
import { freePort, startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';

/** The paths only a relying party's back channel asks for; a browser never does in these flows. */
const BACK_CHANNEL = /^\/(\.well-known\/|token|me\b|jwks)/;

/**
 * The public front (Nginx's place): forwards what browsers ask for to the instance, but drops
 * every back-channel request, as a front that the instance itself cannot reach would.
 */
async function startFront(target: number): Promise<{ port: number; dropped: string[]; close(): Promise<void> }> {
  const dropped: string[] = [];
  const front = http.createServer((req, res) => {
    if (BACK_CHANNEL.test(req.url ?? '')) {
      dropped.push(req.url ?? '');
      req.socket.destroy();
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => front.listen(port, '127.0.0.1', resolve));
  return { port, dropped, close: () => new Promise((resolve) => { front.closeAllConnections(); front.close(() => resolve()); }) };
}

async function register(agent: UserAgent, start: string, email: string): Promise<{ body: string; status: number }> {
  const login = await agent.follow(start);
  const link = /href="([^"]*\/register)"/.exec(login.body);
  assert.ok(link, `a sign-in page with a registration link (got ${login.status} at ${login.url})`);
  const form = await agent.request(new URL(link[1]!, login.url).href);
  const registered = await agent.submit(form, '/register', { email, password: 'a long enough passphrase' });
  if (!registered.location) return registered;
  return agent.follow((await confirmEmail(agent, registered, email)).location!);
}

describe('built-in clients when the instance cannot reach its public ISSUER', () => {
  let server: TestServer;
  let front: Awaited<ReturnType<typeof startFront>>;

  before(async () => {
    const ports = { port: await freePort(), adminPort: await freePort() };
    front = await startFront(ports.port);
    server = await startTestServer({ ISSUER: `http://127.0.0.1:${front.port}` }, { ports });
  });
  after(async () => {
    await server.close();
    await front.close();
  });

  it('signs in on the demo, token and userinfo included', async () => {
    const page = await register(new UserAgent(), `${server.issuer}/demo/login`, `demo-${Date.now()}@example.com`);
    assert.equal(page.status, 200, page.body.slice(0, 500));
    assert.match(page.body, /ID token claims/);
    assert.deepEqual(front.dropped, [], 'nothing went through the public front but the browser');
  });

  it('signs in on the account page', async () => {
    const page = await register(new UserAgent(), `${server.issuer}/account`, `account-${Date.now()}@example.com`);
    assert.equal(page.status, 200, page.body.slice(0, 500));
    assert.match(page.body, /<h1>Your account<\/h1>/);
    assert.deepEqual(front.dropped, []);
  });
});

describe('built-in clients when the instance cannot reach even its own listener', () => {
  const lines: string[] = [];
  let issuer: string;
  let close: () => Promise<void>;
  let dataDir: string;

  before(async () => {
    // PORT names a port nothing listens on; the public app is served on another one.
    const [configured, actual, adminPort] = [await freePort(), await freePort(), await freePort()];
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-own-issuer-'));
    issuer = `http://127.0.0.1:${actual}`;
    const config = loadConfig({ PORT: String(configured), ADMIN_PORT: String(adminPort), ISSUER: issuer, HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    const logStream = new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)); done(); } });
    const app = await createPortcullis(config, { inMemoryDatabase: true, logStream, processMetrics: false });
    const servers = await listen(app.publicApp, '127.0.0.1', actual);
    close = async () => {
      await closeAll(servers);
      await app.close();
    };
  });
  after(async () => {
    await close();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const page of ['/demo/login', '/account/login']) {
    it(`${page} answers 503 with a page, and the log names ISSUER`, async () => {
      lines.length = 0;
      const response = await fetch(`${issuer}${page}`, { redirect: 'manual' });
      assert.equal(response.status, 503);
      assert.match(await response.text(), /temporarily unavailable/i);
      const logged = lines.map((line) => JSON.parse(line) as { message: string; issuer?: string; error?: string });
      const entry = logged.find((line) => /ISSUER/.test(line.message));
      assert.ok(entry, `a log line naming ISSUER in ${lines.join('\n')}`);
      assert.equal(entry.issuer, issuer);
    });
  }
});

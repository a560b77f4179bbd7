/**
 * "Forgot password?" and the single-use account links (SECURITY.md A2, A6, A9, A12, A13, R16),
 * over HTTP against an embedded server that mails through a real SMTP server (the test sink):
 * the link on the sign-in page, one answer for known and unknown addresses, the mailed link,
 * the new password (same policy, typed twice), every session and refresh token ended, a
 * "password changed" notice, the second factor still asked; and every way a link must fail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText, type Page } from './support/user-agent.js';
import { enrolledUser, followOnServer, isCodeStep, submitAndFollow, PASSWORD } from './support/mfa-journeys.js';
import { createClient, relyingParty, signUpAndRedeem } from './support/oidc-harness.js';
import { openLogin, uniqueEmail } from './support/pages.js';
import { Mailbox, linkIn } from './support/mailbox.js';
import { registerMailDir } from './support/mail.js';
import { FORGOT_PASSWORD_MINIMUM_MS } from '@portcullis/server/recovery/password-reset.service.js';
import { startSmtpSink, type SmtpSink } from '@portcullis/server/testing/smtp-sink.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const NEW_PASSWORD = 'a brand new passphrase after reset';

/** A test server that sends its mail over SMTP to a sink of this process (which also keeps files for the registration helpers). */
async function withSink(env: Record<string, string>, options: Parameters<typeof startTestServer>[1]): Promise<{ server: TestServer; sink: SmtpSink; close: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-sink-'));
  const sink = await startSmtpSink({ dir });
  const server = await startTestServer({ SMTP_URL: sink.url, ...env }, options);
  registerMailDir(server.issuer, dir);
  return { server, sink, close: async () => { await server.close(); await sink.stop(); await rm(dir, { recursive: true, force: true }); } };
}

describe('password reset', () => {
  let server: TestServer;
  let mailbox: Mailbox;
  let close: () => Promise<void>;
  /** The server's clock for account links: tests move it past a link's lifetime. */
  let offsetMs = 0;
  before(async () => {
    const started = await withSink({}, { recovery: { now: () => new Date(Date.now() + offsetMs) } });
    ({ server, close } = started);
    mailbox = Mailbox.ofSink(started.sink);
  });
  after(() => close());

  const forgotPage = async (agent = new UserAgent()) => {
    const login = await openLogin(server, agent);
    const href = /<a href="([^"]*\/forgot)">Forgot password\?<\/a>/.exec(login.body)?.[1];
    assert.ok(href, 'the sign-in page links to "Forgot password?"');
    const page = await agent.request(new URL(href, login.url).href);
    assert.equal(page.status, 200);
    return { agent, login, page };
  };
  const requestReset = async (email: string, agent = new UserAgent()) => {
    const { page, login } = await forgotPage(agent);
    const started = performance.now();
    const answer = await agent.submit(page, '/forgot', { email });
    return { login, answer, ms: performance.now() - started };
  };
  const resetLinkFor = async (email: string) => {
    await requestReset(email);
    return linkIn(await mailbox.next(email, /Reset your password/), 'reset');
  };
  const setPassword = async (agent: UserAgent, link: string, password: string, confirm = password) => {
    const page = await agent.request(link);
    assert.equal(page.status, 200, page.body.slice(0, 400));
    return agent.submit(page, '/recover/', { new_password: password, confirm_password: confirm });
  };
  const signedOut = async (agent: UserAgent) => new URL((await followOnServer(server, agent, `${server.issuer}/account`)).url).pathname.startsWith('/interaction/');
  const events = async (email: string) => ((await server.admin('GET', `/admin/audit?user=${encodeURIComponent(email)}&limit=1000`)).body.events as { type: string; outcome: string; detail: Record<string, unknown> }[]);
  /** The page without what differs per request (CSRF token, nonce, the address typed). */
  const shape = (page: Page, email: string) => page.body.replace(/name="csrf" value="[^"]+"/g, '').replace(/nonce="[^"]+"/g, '').replaceAll(email, 'EMAIL');

  it('answers a known and an unknown address with the same page, and mails only the known one', async () => {
    const known = await enrolledUser(server);
    const unknown = uniqueEmail('nobody');
    const a = await requestReset(known.email);
    const b = await requestReset(unknown);
    assert.equal(a.answer.status, 200);
    assert.equal(b.answer.status, a.answer.status);
    // Both answers wait for the same floor (FORGOT_PASSWORD_MINIMUM_MS), which covers the work a known address takes.
    assert.ok(a.ms >= FORGOT_PASSWORD_MINIMUM_MS && b.ms >= FORGOT_PASSWORD_MINIMUM_MS, `known ${a.ms} ms, unknown ${b.ms} ms`);
    assert.match(a.answer.body, /<h1>Check your email<\/h1>/);
    assert.equal(shape(a.answer, known.email).replace(/\/interaction\/[^"/]+/g, ''), shape(b.answer, unknown).replace(/\/interaction\/[^"/]+/g, ''));
    assert.ok(a.answer.body.includes(`href="${new URL(a.login.url).pathname}"`), 'the way back to the sign-in of this interaction');
    const mail = await mailbox.next(known.email, /Reset your password/);
    assert.match(mail.text, /expires in 30 minutes/);
    assert.deepEqual(await mailbox.take(unknown), [], 'nothing is sent to an unknown address');
    const requested = (await events(known.email)).filter((e) => e.type === 'password.reset_requested');
    assert.equal(requested.length, 1);
  });

  it('sets a new password through the link, ends every session and refresh token, and still asks for the second factor', async () => {
    const user = await enrolledUser(server);
    // A second way in that must die: a refresh token of a client.
    const registered = await createClient(server, { first_party: true });
    const config = await relyingParty(server, registered);
    const other = await signUpAndRedeem(server, registered);
    assert.ok(other.tokens.refresh_token);

    const link = await resetLinkFor(user.email);
    const agent = new UserAgent();
    const weak = await setPassword(agent, link, 'short');
    assert.equal(weak.status, 400);
    assert.match(alertText(weak.body) ?? '', /at least/);
    const mismatch = await setPassword(agent, link, NEW_PASSWORD, `${NEW_PASSWORD}!`);
    assert.equal(mismatch.status, 400);
    assert.match(alertText(mismatch.body) ?? '', /not the same/);
    const done = await setPassword(agent, link, NEW_PASSWORD);
    assert.equal(done.status, 200, done.body.slice(0, 400));
    assert.match(done.body, /<h1>Password set<\/h1>/);
    assert.match(done.body, /href="\/interaction\/[^"]+"/, '"Sign in" goes back to the interaction the request came from');

    assert.equal(await signedOut(user.agent), true, 'the old account-page session is over');
    assert.ok(!agent.jar.getCookiesSync(server.issuer).some((c) => c.key.includes('session')), 'the reset signed nobody in');
    const notice = await mailbox.next(user.email, /password was changed/);
    assert.match(notice.text, /every session of the account was signed out/);

    // The other person's refresh token is untouched; the user's own grants are revoked.
    await client.refreshTokenGrant(config, other.tokens.refresh_token);
    const fresh = new UserAgent();
    const login = await followOnServer(server, fresh, `${server.issuer}/account`);
    const old = await submitAndFollow(server, fresh, login, '/login', { email: user.email, password: PASSWORD });
    assert.equal(old.posted.status, 401, 'the old password no longer works');
    const { page } = await submitAndFollow(server, fresh, await followOnServer(server, fresh, `${server.issuer}/account`), '/login', { email: user.email, password: NEW_PASSWORD });
    assert.ok(isCodeStep(page), 'signing in with the new password still asks for the TOTP code (A6)');

    const reset = (await events(user.email)).filter((e) => e.type === 'password.reset');
    assert.equal(reset.length, 1);
    assert.equal(reset[0]!.outcome, 'success');
    assert.ok(Number(reset[0]!.detail.sessions_ended) >= 1);
  });

  it('revokes the refresh tokens of the account whose password was reset', async () => {
    const registered = await createClient(server, { first_party: true });
    const config = await relyingParty(server, registered);
    const session = await signUpAndRedeem(server, registered);
    assert.ok(session.tokens.refresh_token);
    const link = await resetLinkFor(session.email);
    assert.equal((await setPassword(new UserAgent(), link, NEW_PASSWORD)).status, 200);
    await assert.rejects(client.refreshTokenGrant(config, session.tokens.refresh_token), (error: unknown) => (error as { error?: string }).error === 'invalid_grant');
    assert.equal(await signedOut(session.agent), true);
  });

  it('refuses a used link, a replaced link, an expired link, a link of another purpose and a tampered token', async () => {
    const user = await enrolledUser(server);
    const unusable = async (url: string) => {
      const page = await new UserAgent().request(url);
      assert.equal(page.status, 400, url);
      assert.match(page.body, /This link cannot be used/);
    };
    const used = await resetLinkFor(user.email);
    assert.equal((await setPassword(new UserAgent(), used, NEW_PASSWORD)).status, 200);
    await unusable(used);

    const first = await resetLinkFor(user.email);
    const second = await resetLinkFor(user.email);
    await unusable(first);
    await unusable(second.replace('/recover/reset/', '/recover/invite/'));
    const token = second.split('/').pop()!;
    await unusable(second.replace(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`));
    await unusable(`${second}x`);

    offsetMs = 31 * 60 * 1000;
    try {
      await unusable(second);
    } finally {
      offsetMs = 0;
    }
    // A link used after its page was loaded but past its life is refused on POST too.
    const agent = new UserAgent();
    const page = await agent.request(second);
    offsetMs = 31 * 60 * 1000;
    try {
      const late = await agent.submit(page, '/recover/', { new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      assert.equal(late.status, 400);
      assert.match(late.body, /This link cannot be used/);
    } finally {
      offsetMs = 0;
    }
    assert.ok((await events(user.email)).length > 0);
  });

  it('refuses a POST without the page\'s CSRF token, on the request form and on the link', async () => {
    const user = await enrolledUser(server);
    const { agent, page } = await forgotPage();
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)![1]!;
    const forged = await agent.request(new URL(action, page.url).href, { form: { email: user.email } });
    assert.equal(forged.status, 403);
    const link = await resetLinkFor(user.email);
    const noToken = await new UserAgent().request(link, { form: { new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD } });
    assert.equal(noToken.status, 403);
    // The link still works: nothing was changed by the forged POST.
    assert.equal((await setPassword(new UserAgent(), link, NEW_PASSWORD)).status, 200);
  });
});

describe('password reset limits', () => {
  let server: TestServer;
  let close: () => Promise<void>;
  let mailbox: Mailbox;
  before(async () => {
    let sink: SmtpSink;
    ({ server, close, sink } = await withSink({ RATE_LIMIT_EXEMPT: '' }, { limits: { recoveryPerEmail: { points: 2, durationSeconds: 600 }, recoveryPerAddress: { points: 8, durationSeconds: 600, blockSeconds: 600 } }, recovery: { minimumMs: 50 } }));
    mailbox = Mailbox.ofSink(sink);
  });
  after(() => close());

  it('answers the third request for one email the same, and mails nothing past the cap (never a 429 aimed at the owner, A14)', async () => {
    const known = await enrolledUser(server);
    for (const email of [known.email, uniqueEmail('limited-too')]) {
      const statuses: number[] = [];
      const bodies: string[] = [];
      for (let i = 0; i < 3; i++) {
        const agent = new UserAgent();
        const login = await openLogin(server, agent);
        const page = await agent.request(new URL(/<a href="([^"]*\/forgot)"/.exec(login.body)![1]!, login.url).href);
        const answer = await agent.submit(page, '/forgot', { email });
        statuses.push(answer.status);
        bodies.push(answer.body.replace(/name="csrf" value="[^"]+"/g, '').replace(/nonce="[^"]+"/g, '').replace(/\/interaction\/[^"]+/g, ''));
      }
      assert.deepEqual(statuses, [200, 200, 200]);
      assert.equal(bodies[2], bodies[0]);
    }
    await mailbox.next(known.email, /Reset your password/);
    await mailbox.next(known.email, /Reset your password/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual((await mailbox.take(known.email)).filter((m) => /Reset your password/.test(m.subject)), [], 'no third link');
  });

  it('then refuses the address that asked too often, whatever the email (the first test used 6 of its 8)', async () => {
    const statuses: number[] = [];
    let last: Page | undefined;
    for (let i = 0; i < 3; i++) {
      const agent = new UserAgent();
      const login = await openLogin(server, agent);
      const page = await agent.request(new URL(/<a href="([^"]*\/forgot)"/.exec(login.body)![1]!, login.url).href);
      last = await agent.submit(page, '/forgot', { email: uniqueEmail('fresh') });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) > 500, 'the address is blocked for the block time');
  });
});

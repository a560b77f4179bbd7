/**
 * Email verification in a real (headless Chromium) browser, the server sending over SMTP to the
 * sink (packages/server/src/testing/smtp-sink.ts): the person registers, reads the message, and
 * - follows its link in the same browser, which confirms and continues the sign-in: the demo
 *   shows `email_verified: true` in the ID token;
 * - types its code instead;
 * - at a client that requires a verified address, an unverified account's sign-in waits at the
 *   step until the code arrives; the link opened in another browser only confirms, and says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '@portcullis/server/testing/smtp-sink.js';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { uniqueEmail } from './support/pages.js';
import { REDIRECT_URI, authorizationRequest, createClient, relyingParty } from './support/oidc-harness.js';

const PASSWORD = 'a browser passphrase for mail';

describe('email verification in a browser', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let session: BrowserSession;
  before(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ SMTP_URL: sink.url });
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
    await sink?.stop();
  });

  const mailTo = async (email: string, count = 1): Promise<SinkMessage> => {
    const mine = () => sink.messages.filter((m) => m.to.includes(email) && m.headers['x-portcullis-template'] === 'email_verification');
    await sink.waitFor(() => mine().length >= count);
    return mine().at(-1)!;
  };
  const codeOf = (message: SinkMessage) => /^\s*(\d{6})\s*$/m.exec(message.text)![1]!;
  const linkOf = (message: SinkMessage) => /https?:\/\/\S+\/verify-email\?token=[\w-]+/.exec(message.text)![0];

  it('registers, follows the link from the message in the same browser, and the ID token says email_verified', async () => {
    const { page } = session;
    const email = uniqueEmail('browser-link');
    await page.goto(`${server.issuer}/demo`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    assert.match(await page.locator('main').innerText(), new RegExp(email.replace(/[.+]/g, '\\$&')));

    // A wrong code first: the step stays, with an alert.
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /not valid/);

    await page.goto(linkOf(await mailTo(email)));
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await page.getByRole('heading', { name: 'ID token claims' }).waitFor();
    const claims = JSON.parse(await page.locator('section[aria-labelledby="claims"] pre').innerText());
    assert.equal(claims.email, email);
    assert.equal(claims.email_verified, true);
    // The wrong code's 400 is the one expected console line; nothing else (no CSP report).
    assert.deepEqual(session.problems.filter((problem) => !/status of 400/.test(problem)), []);
  });

  it('holds an unverified sign-in at a client with require_verified_email until the code, and a link elsewhere only confirms', async () => {
    const { page, context } = session;
    const strict = await createClient(server, { first_party: true, client_name: 'Strict App', require_verified_email: true });
    const config = await relyingParty(server, strict);
    let callback: string | undefined;
    await context.route(`${new URL(REDIRECT_URI).origin}/**`, async (route) => {
      callback = route.request().url();
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Back at the app</title><h1>Back at the app</h1>' });
    });

    // Registered earlier, never confirmed (the step was left).
    const email = uniqueEmail('browser-strict');
    await context.clearCookies();
    await page.goto(`${server.issuer}/account`);
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const first = await mailTo(email);

    // Signing in to the strict client later: the password is right, and the sign-in waits.
    await context.clearCookies();
    const request = await authorizationRequest(config, { scope: 'openid email' });
    await page.goto(request.url);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    assert.equal(callback, undefined, 'the application got nothing yet');

    // The first message was replaced: its code no longer works.
    const second = await mailTo(email, 2);
    await page.getByLabel('Code').fill(codeOf(first));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Code').fill(codeOf(second));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: 'Back at the app' }).waitFor();
    const tokens = await client.authorizationCodeGrant(config, new URL(callback!), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.equal(tokens.claims()!.email_verified, true);

    // Another person's link, opened in a browser that holds no sign-in: it confirms, and says so.
    const other = uniqueEmail('browser-other');
    await context.clearCookies();
    await page.goto(`${server.issuer}/account`);
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill(other);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const elsewhere = await session.browser.newContext();
    try {
      const tab = await elsewhere.newPage();
      await tab.goto(linkOf(await mailTo(other)));
      await tab.getByRole('button', { name: 'Confirm my email address' }).click();
      await tab.getByRole('heading', { name: 'Email address confirmed' }).waitFor();
    } finally {
      await elsewhere.close();
    }
    const row = await server.app.db.primary.selectFrom('accounts').select('email_verified').where('email', '=', other).executeTakeFirstOrThrow();
    assert.equal(row.email_verified, true);
  });
});

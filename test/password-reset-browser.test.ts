/**
 * A way back in, in a real (headless Chromium) browser, found by role and label (SECURITY.md A6,
 * A9, R16): a person with an authenticator app forgets their password. From an application's
 * sign-in page they press "Forgot password?", read the mail (sent over SMTP to the test sink), follow its link, set a new password
 * (typed twice), and "Sign in" takes them back to the same application's sign-in, which asks for
 * the new password and then the TOTP code. Their old session and the application's refresh
 * token died with the reset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { REDIRECT_URI, authorizationRequest, createClient, relyingParty } from './support/oidc-harness.js';
import { enrolledUser, followOnServer } from './support/mfa-journeys.js';
import { Mailbox, linkIn } from './support/mailbox.js';
import { registerMailDir } from './support/mail.js';
import { startSmtpSink, type SmtpSink } from '@portcullis/server/testing/smtp-sink.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

describe('password reset in a browser', () => {
  let server: TestServer;
  let session: BrowserSession;
  let sink: SmtpSink;
  let dir: string;
  before(async () => {
    // The server mails over SMTP to a real SMTP server (the test sink), as in production.
    dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-sink-'));
    sink = await startSmtpSink({ dir });
    server = await startTestServer({ SMTP_URL: sink.url });
    registerMailDir(server.issuer, dir);
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
    await sink?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('resets a forgotten password by email and still asks for the second factor', async () => {
    const { page, context } = session;
    const mailbox = Mailbox.ofSink(sink);
    // A person with TOTP, signed in to their account page elsewhere (an old session).
    const user = await enrolledUser(server);
    const registered = await createClient(server, { first_party: true });
    const config = await relyingParty(server, registered);
    let callback: string | undefined;
    await context.route(`${new URL(REDIRECT_URI).origin}/**`, async (route) => {
      callback = route.request().url();
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html lang="en"><title>Back at the app</title><main><h1>Back at the app</h1></main></html>' });
    });
    const signIn = async (password: string) => {
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
      await page.getByLabel('Code').fill((await user.clock.next()).code);
      await page.getByRole('button', { name: 'Verify' }).click();
      const allow = page.getByRole('button', { name: 'Allow' });
      await Promise.race([allow.waitFor(), page.getByRole('heading', { name: 'Back at the app' }).waitFor()]);
      if (await allow.isVisible()) await allow.click();
      await page.getByRole('heading', { name: 'Back at the app' }).waitFor();
    };
    const redeem = async (request: Awaited<ReturnType<typeof authorizationRequest>>) =>
      client.authorizationCodeGrant(config, new URL(callback!), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });

    // The application holds a refresh token from a sign-in before the password was forgotten.
    const before = await authorizationRequest(config, { scope: 'openid email offline_access' });
    await page.goto(before.url);
    await signIn(user.password);
    const old = await redeem(before);
    assert.ok(old.refresh_token);
    await context.clearCookies();

    // Forgotten: from the application's sign-in page.
    const request = await authorizationRequest(config, { scope: 'openid email' });
    await page.goto(request.url);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('Email').fill(user.email);
    await page.getByRole('button', { name: 'Send link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    const mail = await mailbox.next(user.email, /Reset your password/);
    await page.goto(linkIn(mail, 'reset'));
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const newPassword = 'my new browser-typed passphrase';
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Password set' }).waitFor();

    // The old ways in are gone.
    await assert.rejects(client.refreshTokenGrant(config, old.refresh_token), (error: unknown) => (error as { error?: string }).error === 'invalid_grant');
    assert.ok(new URL((await followOnServer(server, user.agent, `${server.issuer}/account`)).url).pathname.startsWith('/interaction/'), 'the old account-page session is over');

    // "Sign in" returns to the application's sign-in: the new password, then the code.
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn(newPassword);
    const tokens = await redeem(request);
    assert.deepEqual(tokens.claims()!.amr, ['pwd', 'otp'], 'the second factor was asked after the reset');
  });
});

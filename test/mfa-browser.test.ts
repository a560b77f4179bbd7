/**
 * Two-step verification in a real (headless Chromium) browser, found by role and label:
 * a person registers, sets up an authenticator app from the account page (the code computed
 * from the setup key the page shows), and then:
 * - a client's `acr_values=urn:portcullis:acr:mfa` (step-up) asks the still password-only
 *   session for a code, not the password: a wrong code shows an alert, a right one gives an
 *   ID token with acr mfa and amr ["pwd","otp"];
 * - the next sign-in through the demo asks for the code after the password, and refuses the
 *   code already used;
 * - a recovery code works once and only once.
 * No page loads anything from another origin or trips the CSP along the way.
 */
import { confirmEmailInBrowser } from './support/mail.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { uniqueEmail } from './support/pages.js';
import { REDIRECT_URI, authorizationRequest, createClient, relyingParty } from './support/oidc-harness.js';
import { CodeClock } from './support/mfa-journeys.js';

describe('two-step verification in a browser', () => {
  let server: TestServer;
  let session: BrowserSession;
  before(async () => {
    server = await startTestServer();
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  it('sets up TOTP, steps up with acr_values, refuses wrong and replayed codes, and uses a recovery code once', async () => {
    const { page, context } = session;
    const email = uniqueEmail('browser-mfa');
    const password = 'a browser-typed passphrase for mfa';

    // Register from the account page.
    await page.goto(`${server.issuer}/account`);
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await confirmEmailInBrowser(page, email);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    assert.match(await page.locator('.signed-in-as').innerText(), new RegExp(email.replace(/[.+]/g, '\\$&')));

    // Set up the authenticator app with a code computed from the displayed setup key.
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('heading', { name: 'Set up authenticator app' }).waitFor();
    const qr = page.getByRole('img', { name: /QR code/ });
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/svg\+xml;base64,/);
    assert.ok(((await qr.boundingBox())?.width ?? 0) > 100, 'the QR code is drawn');
    const clock = new CodeClock((await page.locator('#totp-secret').innerText()).replace(/\s+/g, ''));
    await page.getByLabel('Code').fill((await clock.next()).code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    const recoveryCodes = (await page.locator('ul.recovery-codes li').allInnerTexts()).map((text) => text.trim());
    assert.equal(recoveryCodes.length, 10);
    await page.reload();
    assert.equal(await page.locator('ul.recovery-codes li').count(), 0, 'the codes are shown once');
    // This session signed in with a password only: now that the account has the app, the
    // account page asks for a code before it shows anything (SECURITY.md A16).
    await page.getByRole('link', { name: 'Back to your account' }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    assert.equal(await page.getByLabel('Password').count(), 0, 'only the code is asked');

    // Step-up: this session signed in with a password only; the client demands MFA.
    const registered = await createClient(server, { first_party: true });
    const config = await relyingParty(server, registered);
    const stepUp = await authorizationRequest(config, { acr_values: 'urn:portcullis:acr:mfa' });
    let callback: string | undefined;
    await context.route(`${new URL(REDIRECT_URI).origin}/**`, async (route) => {
      callback = route.request().url();
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Back at the app</title><h1>Back at the app</h1>' });
    });
    await page.goto(stepUp.url);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    assert.equal(await page.getByLabel('Password').count(), 0, 'only the code is asked');
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /not valid/);
    const stepUpCode = await clock.next();
    await page.getByLabel('Code').fill(stepUpCode.code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Back at the app' }).waitFor();
    const tokens = await client.authorizationCodeGrant(config, new URL(callback!), { pkceCodeVerifier: stepUp.codeVerifier, expectedNonce: stepUp.nonce, expectedState: stepUp.state });
    const claims = tokens.claims()!;
    assert.equal(claims.acr, 'urn:portcullis:acr:mfa');
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    // The session is at the MFA level now: the account page opens without another code.
    await page.goto(`${server.issuer}/account`);
    await page.getByRole('link', { name: 'Turn off authenticator app' }).waitFor();

    // A new browser session: the demo sign-in asks for the code after the password, and the
    // code just used is refused.
    await context.clearCookies();
    await page.goto(`${server.issuer}/demo`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await page.getByLabel('Code').fill(stepUpCode.code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /not valid/, 'a replayed code is refused');

    // A recovery code instead.
    await page.getByRole('link', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'ID token claims' }).waitFor();
    const demoClaims = JSON.parse(await page.locator('section[aria-labelledby="claims"] pre').innerText());
    assert.deepEqual([demoClaims.acr, demoClaims.amr], ['urn:portcullis:acr:mfa', ['pwd', 'otp']]);

    // The same recovery code a second time: refused; the next one works.
    await context.clearCookies();
    await page.goto(`${server.issuer}/demo`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!.toLowerCase());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /used/);
    await page.getByLabel('Recovery code').fill(recoveryCodes[1]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'ID token claims' }).waitFor();
  });

  it('loaded nothing from another origin and tripped no CSP along the way', () => {
    const { origin } = new URL(server.issuer);
    const foreign = session.requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin && !url.startsWith(new URL(REDIRECT_URI).origin));
    assert.deepEqual(foreign, []);
    assert.deepEqual(session.problems.filter((p) => /Content Security Policy|Refused/i.test(p)), []);
  });
});

/**
 * Passkeys in a real (headless Chromium) browser, with Chromium's virtual authenticator (DevTools
 * protocol `WebAuthn.*`: CTAP2, internal transport, resident keys, user verification) standing in
 * for a fingerprint reader. Found by role and label:
 * - a person registers, adds a passkey on /account (the page then asks this password-only session
 *   for the second step, which the passkey answers), signs out, and signs in with the passkey
 *   alone ("Use a passkey" on the sign-in page): the ID token says acr mfa, amr ["hwk","user"];
 * - a password followed by the passkey as the second step: amr ["pwd","hwk","user"];
 * - rename and remove on the account page; after removal the passkey signs nobody in;
 * - without JavaScript the passkey parts explain that they need it, and show no button.
 * Nothing is loaded from another origin and the CSP is never tripped. Negative cases with crafted
 * assertions are test/passkeys-signin.test.ts and packages/server/src/passkeys/*.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { uniqueEmail } from './support/pages.js';
import { confirmEmailInBrowser } from './support/mail.js';

const PASSWORD = 'a browser-typed passphrase for passkeys';

describe('passkeys in a browser', () => {
  let server: TestServer;
  let session: BrowserSession;
  const email = uniqueEmail('browser-passkey');
  before(async () => {
    server = await startTestServer();
    session = await openBrowser();
    const cdp = await session.context.newCDPSession(session.page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  const claimsOf = async (page: Page) => JSON.parse(await page.locator('section[aria-labelledby="claims"] pre').innerText()) as { acr?: string; amr?: string[]; email?: string };

  /** From the demo's start page: "Sign in", then the login page. */
  const demoSignIn = async (page: Page) => {
    await session.context.clearCookies();
    await page.goto(`${server.issuer}/demo`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  };

  it('adds a passkey on the account page and signs in with it alone (acr mfa, amr hwk and user)', async () => {
    const { page } = session;
    await page.goto(`${server.issuer}/account`);
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await confirmEmailInBrowser(page, email);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    await page.getByRole('link', { name: 'Manage passkeys' }).click();
    await page.getByRole('heading', { name: 'Passkeys', level: 1 }).waitFor();
    assert.equal(await page.locator('[data-passkey-nojs]').isVisible(), false, 'with JavaScript, no "needs JavaScript" note');
    await page.getByLabel('Name for the new passkey').fill('Laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    // The account has a second factor now and this session signed in with a password only: the
    // page asks for the second step (SECURITY.md A16), which the new passkey answers.
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    assert.equal(await page.getByLabel('Code').count(), 0, 'no authenticator app: no code field');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    assert.match(await page.locator('section[aria-labelledby="passkeys-heading"]').innerText(), /One passkey/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForLoadState();

    await demoSignIn(page);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'ID token claims' }).waitFor();
    const claims = await claimsOf(page);
    assert.equal(claims.acr, 'urn:portcullis:acr:mfa');
    assert.deepEqual(claims.amr, ['hwk', 'user']);
    assert.equal(claims.email, email);
  });

  it('uses the passkey as the second step after a password (amr pwd, hwk, user)', async () => {
    const { page } = session;
    await demoSignIn(page);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'ID token claims' }).waitFor();
    const claims = await claimsOf(page);
    assert.deepEqual([claims.acr, claims.amr], ['urn:portcullis:acr:mfa', ['pwd', 'hwk', 'user']]);
  });

  it('renames and removes the passkey; removed, it no longer signs in', async () => {
    const { page } = session;
    await session.context.clearCookies();
    await page.goto(`${server.issuer}/account`);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByRole('link', { name: 'Manage passkeys' }).click();
    await page.getByRole('heading', { name: 'Passkeys', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Work laptop');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('status').waitFor();
    assert.match(await page.getByRole('status').innerText(), /renamed/);
    assert.equal(await page.getByRole('heading', { name: 'Work laptop', level: 2 }).count(), 1);
    await page.getByRole('button', { name: 'Remove Work laptop' }).click();
    await page.getByRole('status').waitFor();
    assert.match(await page.getByRole('status').innerText(), /removed/);
    assert.match(await page.locator('main').innerText(), /not added a passkey yet/);

    // The authenticator still holds the credential; the server no longer knows it.
    await demoSignIn(page);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /could not be verified/);
  });

  it('explains, without JavaScript, that passkeys need it, and shows no passkey button', async () => {
    const context = await session.browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${server.issuer}/demo/login`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Use a passkey' }).count(), 0);
      assert.match(await page.locator('[data-passkey-nojs]').innerText(), /need JavaScript/);
      assert.equal(await page.getByLabel('Password').count(), 1, 'the password form works as ever');
    } finally {
      await context.close();
    }
  });

  it('loaded nothing from another origin and tripped no CSP along the way', () => {
    const { origin } = new URL(server.issuer);
    assert.deepEqual(session.requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin), []);
    assert.deepEqual(session.problems.filter((p) => /Content Security Policy|Refused/i.test(p)), []);
    assert.ok(session.requests.some((url) => url.endsWith('/assets/webauthn.js')), 'the WebAuthn browser library came from this origin');
  });
});

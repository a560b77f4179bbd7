/**
 * A person in headless Chromium signs in to a third-party app: the app's "Sign in" leads to
 * Portcullis, they create an account, allow the consent, and land back in the app with the
 * claims. Runs in embedded mode and, through Nginx, against the production stack.
 */
import { confirmEmailInBrowser } from './support/mail.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { startRelyingParty, type RelyingParty } from './support/relying-party.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { uniqueEmail } from './support/pages.js';

describe('third-party app sign-in in a browser', () => {
  let server: TestServer;
  let app: RelyingParty;
  let session: BrowserSession;
  before(async () => {
    server = await startTestServer();
    app = await startRelyingParty(server);
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await app?.close();
    await server?.close();
  });

  it('registers, consents and returns to the app with the claims', async () => {
    const { page } = session;
    const email = uniqueEmail('rp-browser');
    await page.goto(app.origin);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Name').fill('Third Party Person');
    await page.getByLabel('Password').fill('a passphrase for the test app');
    await page.getByRole('button', { name: 'Create account' }).click();
    await confirmEmailInBrowser(page, email);

    await page.getByRole('button', { name: 'Allow' }).waitFor();
    assert.match(await page.locator('main').innerText(), /Test app/);
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    const claims = JSON.parse(await page.locator('#claims').innerText());
    assert.equal(claims.email, email);
    assert.equal(claims.name, 'Third Party Person');
    assert.equal(claims.aud, app.clientId);
    const userinfo = JSON.parse(await page.locator('#userinfo').innerText());
    assert.equal(userinfo.sub, claims.sub);
  });

  it('signs in again without a consent page: the answer was remembered', async () => {
    const { page } = session;
    await page.context().clearCookies();
    const email = uniqueEmail('rp-again');
    // A fresh account for this test, registered and consented through the pages.
    await page.goto(app.origin);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('another passphrase for the app');
    await page.getByRole('button', { name: 'Create account' }).click();
    await confirmEmailInBrowser(page, email);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();

    await page.context().clearCookies();
    await page.goto(app.origin);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('another passphrase for the app');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    assert.equal(JSON.parse(await page.locator('#claims').innerText()).email, email);
  });
});

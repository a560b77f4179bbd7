/**
 * A person in a real (headless Chromium) browser walks the demo: registers, sees the ID token
 * claims, signs out through the confirmation page, mistypes the password, and signs in again.
 * Everything is found by role and label, as a screen reader would find it; along the way no
 * page may load anything from another origin (SECURITY.md R12) or trip the CSP (A11).
 */
import { confirmEmailInBrowser } from './support/mail.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { uniqueEmail } from './support/pages.js';

describe('demo in a browser', () => {
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

  it('registers, signs out, refuses a wrong password and signs in again', async () => {
    const { page } = session;
    const email = uniqueEmail('browser');
    const password = 'a browser-typed passphrase 🙂';

    await page.goto(`${server.issuer}/demo`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill(email.toUpperCase());
    await page.getByLabel('Name').fill('Browser Person');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await confirmEmailInBrowser(page, email);

    await page.getByRole('heading', { name: 'ID token claims' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/demo/callback');
    const claims = JSON.parse(await page.locator('section[aria-labelledby="claims"] pre').innerText());
    assert.equal(claims.email, email, 'the normalised email is in the ID token');
    assert.equal(claims.name, 'Browser Person');
    assert.equal(claims.iss, server.issuer);
    assert.equal(claims.aud, 'portcullis-demo');
    const userinfo = JSON.parse(await page.locator('section[aria-labelledby="userinfo"] pre').innerText());
    assert.equal(userinfo.sub, claims.sub);

    await page.getByRole('link', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign out' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/session/end');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.issuer}/demo`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();

    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/interaction\//, 'signed out: the login page is shown again');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(`${password}!`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.innerText()).trim(), 'The email or password is incorrect.');
    assert.equal(await page.getByLabel('Email').inputValue(), email, 'the email is kept');
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password is not echoed');

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'ID token claims' }).waitFor();
    const again = JSON.parse(await page.locator('section[aria-labelledby="claims"] pre').innerText());
    assert.equal(again.sub, claims.sub, 'the same account');
    assert.equal(again.email, email);
  });

  it('loaded nothing from another origin along the way', () => {
    const { origin } = new URL(server.issuer);
    assert.ok(session.requests.length > 10, `the journey was recorded (${session.requests.length} requests)`);
    const foreign = session.requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
    assert.deepEqual(foreign, []);
    assert.ok(session.requests.includes(`${server.issuer}/assets/portcullis.css`), 'the stylesheet comes from the issuer');
  });

  it('reported no CSP violation or unexpected console error along the way', () => {
    const isCspViolation = (problem: string) => /Content Security Policy/i.test(problem);
    assert.deepEqual(session.problems.filter(isCspViolation), []);
    // The wrong password is answered 401, which Chromium logs as a failed resource load.
    const expected = /Failed to load resource: the server responded with a status of 401/;
    assert.deepEqual(session.problems.filter((problem) => !expected.test(problem)), []);
  });

  it('would notice a CSP violation (control: a page that breaks the policy is reported)', async () => {
    const control = await openBrowser();
    try {
      await control.page.goto(`${server.issuer}/demo`);
      const reported = control.page.waitForEvent('console', { predicate: (message) => /Content Security Policy/.test(message.text()), timeout: 5000 });
      await control.page.evaluate(() => {
        const image = document.createElement('img');
        image.src = 'https://third-party.example/pixel.png';
        document.body.append(image);
      });
      await reported;
      assert.ok(control.problems.some((problem) => /Content Security Policy/.test(problem)), control.problems.join('\n'));
    } finally {
      await control.close();
    }
  });
});

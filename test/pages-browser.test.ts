/**
 * The pages as a person sees them, in real headless Chromium, measured rather than read from
 * the markup or the CSS:
 * - the sessions table: its "Action" header is read but not shown, no word breaks mid-way at
 *   1280 and 390 px, times in the reader's time zone (UTC without the script);
 * - change password: a username field for password managers, and a confirmation that must match;
 * - the setup key wraps only between its four-character groups; recovery codes can be copied,
 *   downloaded and printed;
 * - sign-in: "to continue to" survives an error, the cursor starts where typing starts, the
 *   typed email goes along to registration, a lockout states the 429's real wait;
 * - error pages: plain words, a next step with a link, the protocol's words in small print;
 * - a page opened at another host name goes to the issuer's address first; a reloaded demo
 *   callback goes back to the start with a notice.
 * One server and one browser for the file (~25 s on this machine), each person its own context.
 */
import { confirmEmailInBrowser } from './support/mail.js';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { uniqueEmail } from './support/pages.js';
import { CodeClock } from './support/mfa-journeys.js';
import { createClient } from './support/oidc-harness.js';
import { brokenWords, lineCount, registerInBrowser } from './support/page-probes.js';

const PASSWORD = 'a browser-typed passphrase for pages';
const NEW_PASSWORD = 'another browser-typed passphrase';
const TOKYO = { timezoneId: 'Asia/Tokyo', locale: 'en-GB' };

describe('pages in a browser', () => {
  let server: TestServer;
  let session: BrowserSession;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  /** A fresh browser context (its own cookies), its console errors collected with the rest. */
  const openPage = async (options: BrowserContextOptions = {}): Promise<Page> => {
    const context = await session.browser.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    return page;
  };
  // TRUST_PROXY: the lockout test comes from a documentation address (X-Forwarded-For) that the
  // loopback exemption of the test server does not cover; every other page comes from loopback.
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true' });
    session = await openBrowser();
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await session?.close();
    await server?.close();
  });

  const email = uniqueEmail('pages');
  let owner: Page;

  it('sessions: the "Action" header is hidden, no word breaks mid-way at 1280 and 390 px, times are local', async () => {
    owner = await openPage({ ...TOKYO, viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'], acceptDownloads: true });
    await registerInBrowser(owner, server.issuer, email, PASSWORD);
    // A second session of the same account, so the table has a "Sign out" button.
    const other = await openPage();
    await other.goto(`${server.issuer}/account`);
    await other.getByLabel('Email').fill(email);
    await other.getByLabel('Password').fill(PASSWORD);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('heading', { name: 'Your account' }).waitFor();

    await owner.goto(`${server.issuer}/account/sessions`);
    await owner.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    const action = owner.getByRole('columnheader', { name: 'Action' });
    assert.equal(await action.count(), 1, 'the header is still read');
    const box = await action.locator('span').boundingBox();
    assert.ok(box && box.width <= 1 && box.height <= 1, `the header is not shown: ${JSON.stringify(box)}`);

    for (const width of [1280, 390]) {
      await owner.setViewportSize({ width, height: 900 });
      assert.deepEqual(await brokenWords(owner, 'table.sessions'), [], `no word broken at ${width} px`);
      const overflow = await owner.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `nothing wider than the screen at ${width} px (${overflow} px over)`);
    }
    await owner.setViewportSize({ width: 1280, height: 900 });

    const time = owner.locator('time[data-local]').first();
    const shown = await time.innerText();
    const at = new Date((await time.getAttribute('datetime'))!);
    // In the page's language (lang="en"), in the browser's time zone.
    const tokyo = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(at);
    const spaced = (text: string) => text.replace(/\s+/g, ' ');
    assert.equal(spaced(shown), spaced(`${tokyo} GMT+9`));

    // Without the script the same moment reads in UTC.
    const noScript = await openPage({ ...TOKYO, javaScriptEnabled: false, storageState: await owner.context().storageState() });
    await noScript.goto(`${server.issuer}/account/sessions`);
    assert.match(await noScript.locator('time[data-local]').first().innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  });

  it('change password: a username field for password managers; a confirmation that does not match changes nothing', async () => {
    await owner.goto(`${server.issuer}/account/password`);
    const username = owner.getByLabel('Account');
    assert.equal(await username.inputValue(), email);
    assert.equal(await username.getAttribute('autocomplete'), 'username');
    assert.equal(await username.isEditable(), false);
    assert.equal(await owner.evaluate(() => document.activeElement?.id), 'current_password', 'the cursor starts in the first field to fill');

    await owner.getByLabel('Current password').fill(PASSWORD);
    await owner.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await owner.getByLabel('Confirm new password').fill(`${NEW_PASSWORD} typo`);
    await owner.getByRole('button', { name: 'Change password' }).click();
    await owner.getByRole('alert').waitFor();
    assert.match(await owner.getByRole('alert').innerText(), /not the same\. Nothing was changed/);

    // The current password is still the old one: the change goes through with it now.
    await owner.getByLabel('Current password').fill(PASSWORD);
    await owner.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await owner.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await owner.getByRole('button', { name: 'Change password' }).click();
    await owner.getByRole('heading', { name: 'Your account' }).waitFor();
    assert.match(await owner.getByRole('status').innerText(), /password was changed/);
  });

  it('the setup key wraps only between its groups; recovery codes can be copied, downloaded and printed', async () => {
    await owner.goto(`${server.issuer}/account`);
    await owner.getByRole('button', { name: 'Set up authenticator app' }).click();
    await owner.getByRole('heading', { name: 'Set up authenticator app' }).waitFor();
    for (const width of [1280, 390, 320]) {
      await owner.setViewportSize({ width, height: 900 });
      assert.deepEqual(await brokenWords(owner, '#totp-secret'), [], `no group broken at ${width} px`);
    }
    assert.ok((await lineCount(owner, '#totp-secret')) > 1, 'at 320 px the key does wrap (so the check above means something)');
    await owner.setViewportSize({ width: 1280, height: 900 });
    const secret = (await owner.locator('#totp-secret').innerText()).replace(/\s+/g, '');
    await owner.getByLabel('Code').fill((await new CodeClock(secret).next()).code);
    await owner.getByRole('button', { name: 'Verify' }).click();
    await owner.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    const codes = (await owner.locator('ul.recovery-codes li').allInnerTexts()).map((code) => code.trim());
    assert.equal(codes.length, 10);

    await owner.getByRole('button', { name: 'Copy codes' }).click();
    await owner.getByRole('status').filter({ hasText: 'copied' }).waitFor();
    assert.deepEqual((await owner.evaluate(() => navigator.clipboard.readText())).split(/\s+/).filter(Boolean), codes);

    const [download] = await Promise.all([owner.waitForEvent('download'), owner.getByRole('link', { name: 'Download as text file' }).click()]);
    assert.equal(download.suggestedFilename(), 'portcullis-recovery-codes.txt');
    const file = await readFile(await download.path(), 'utf8');
    for (const code of codes) assert.ok(file.includes(`\n${code}\n`), `${code} is in the file`);

    await owner.evaluate(() => {
      window.print = () => document.body.setAttribute('data-printed', 'yes');
    });
    await owner.getByRole('button', { name: 'Print' }).click();
    assert.equal(await owner.locator('body').getAttribute('data-printed'), 'yes');
  });

  it('sign-in keeps "to continue to" after an error, focuses the first field to fill, and carries the email to registration', async () => {
    const page = await openPage();
    await page.goto(`${server.issuer}/demo`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.locator('.subtitle').innerText(), 'to continue to Portcullis demo');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.locator('.subtitle').innerText(), 'to continue to Portcullis demo', 'the application is still named');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password', 'the email is known: the cursor is in the password');
    assert.equal(new URL((await page.getByRole('link', { name: 'Create account' }).getAttribute('href'))!, page.url()).searchParams.get('email'), email);

    const newcomer = uniqueEmail('newcomer');
    await page.getByLabel('Email').fill(newcomer);
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Create account' }).waitFor();
    assert.equal(await page.getByLabel('Email').inputValue(), newcomer, 'the typed email came along');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
  });

  it('a lockout says the wait the 429 Retry-After gives, not "a few minutes"', async () => {
    const page = await openPage({ extraHTTPHeaders: { 'x-forwarded-for': '192.0.2.7' } });
    await page.goto(`${server.issuer}/demo/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    let refused: { retryAfter: string | null; text: string } | undefined;
    for (let attempt = 0; attempt < 8 && !refused; attempt++) {
      await page.getByLabel('Email').fill('locked-out@example.test');
      await page.getByLabel('Password').fill(`wrong guess ${attempt}`);
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
      await page.getByRole('alert').waitFor();
      if (response.status() === 429) refused = { retryAfter: await response.headerValue('retry-after'), text: await page.getByRole('alert').innerText() };
    }
    assert.ok(refused, 'the limit refused an attempt');
    assert.match(refused.retryAfter ?? '', /^\d+$/);
    assert.equal(refused.text.trim(), `Too many attempts. Try again in ${refused.retryAfter} seconds.`);
  });

  it('error pages say what happened and what to do, with a link, and keep the protocol detail small', async () => {
    const page = await openPage();
    const unknownClient = new URL(`${server.issuer}/auth`);
    unknownClient.search = new URLSearchParams({ client_id: 'no-such-app', response_type: 'code', scope: 'openid', redirect_uri: 'https://app.example.test/cb' }).toString();
    const response = await page.goto(unknownClient.href);
    assert.equal(response?.status(), 400);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Unknown application');
    const alert = await page.getByRole('alert').innerText();
    assert.match(alert, /not registered with this server/);
    assert.doesNotMatch(`${alert} ${await page.getByRole('heading', { level: 1 }).innerText()}`, /client is invalid|invalid_client/);
    assert.match(await page.locator('main').innerText(), /Go back to the application and start again/);
    assert.match(await page.locator('.error-detail').innerText(), /Error code: invalid_client/);
    const size = (selector: string) => page.locator(selector).evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    assert.ok((await size('.error-detail')) < (await size('.alert')), 'the protocol detail is smaller than the message');
    assert.equal(await page.getByRole('link', { name: 'Go to your account' }).getAttribute('href'), '/account');

    // An unregistered redirect_uri: explained, and never linked (SECURITY.md R2).
    const app = await createClient(server);
    const mismatch = new URL(unknownClient);
    mismatch.searchParams.set('client_id', app.client_id);
    mismatch.searchParams.set('redirect_uri', 'https://elsewhere.example/cb');
    await page.goto(mismatch.href);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'The application sent an unregistered address');
    assert.match(await page.getByRole('alert').innerText(), /has not registered/);
    assert.equal(await page.locator('a[href*="elsewhere.example"]').count(), 0);

    // Our own error (a sign-in that no longer exists) and a 404: the same shape, with a link.
    await page.goto(`${server.issuer}/interaction/no-such-sign-in`);
    assert.match(await page.getByRole('alert').innerText(), /expired|start again/);
    assert.match(await page.locator('.error-detail').innerText(), /Error code: interaction\./);
    const missing = await page.goto(`${server.issuer}/no-such-page`);
    assert.equal(missing?.status(), 404);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Page not found');
    await page.getByRole('link', { name: 'Go to your account' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('a page opened at another host name goes to the issuer first, and the sign-in then works; a reloaded callback starts again', async () => {
    const foreign = `http://127.0.0.1:${new URL(server.issuer).port}`;
    assert.notEqual(new URL(foreign).host, new URL(server.issuer).host);
    const page = await openPage();
    await page.goto(`${foreign}/demo?from=elsewhere`);
    assert.equal(page.url(), `${server.issuer}/demo?from=elsewhere`, 'same path and query, at the issuer');
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'Create account' }).click();
    const hostEmail = uniqueEmail('host');
    await page.getByLabel('Email').fill(hostEmail);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await confirmEmailInBrowser(page, hostEmail);
    await page.getByRole('heading', { name: 'ID token claims' }).waitFor();

    // Reloading the callback: its code is spent and its cookie gone. Back to the start, with a notice.
    const reloaded = await page.reload();
    assert.equal(reloaded?.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/demo');
    assert.match(await page.getByRole('status').innerText(), /already finished or took too long/);
    assert.equal(await page.getByRole('alert').count(), 0, 'no error');

    // A form posted to the other name has no cookies to go with it: a clear 421 naming the issuer.
    const posted = await fetch(`${foreign}/account/password`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x', redirect: 'manual' });
    assert.equal(posted.status, 421);
    assert.ok((await posted.text()).includes(new URL(server.issuer).origin));
    // Machine endpoints and the admin API answer at any name: back ends reach them by internal names.
    assert.equal((await fetch(`${foreign}/.well-known/openid-configuration`, { redirect: 'manual' })).status, 200);
    assert.equal((await fetch(`${server.adminUrl}/readyz`, { redirect: 'manual' })).status, 200);
  });

  it('tripped no CSP and reported no script error along the way', () => {
    const expected = /Failed to load resource: the server responded with a status of (400|401|404|429)/;
    assert.deepEqual(problems.filter((problem) => !expected.test(problem)), []);
  });
});

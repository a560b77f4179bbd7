/**
 * axe-core on every page a person meets, in real headless Chromium, at 1280 and 390 px wide, in
 * the light and the dark scheme (prefers-color-scheme emulated): zero violations of WCAG 2.x A
 * and AA (2.0, 2.1, 2.2) and axe's best practices.
 * One server, one browser, one person walking the pages in order; each page is checked in the
 * four variants without reloading (a one-shot page such as the recovery codes stays as it is).
 * axe is evaluated through the DevTools protocol, so the pages' CSP stays as it is.
 */
import { confirmEmailInBrowser, verificationMail } from './support/mail.js';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { createThirdPartyClient, authorizationUrl, uniqueEmail, THIRD_PARTY_REDIRECT } from './support/pages.js';
import { CodeClock } from './support/mfa-journeys.js';
import { Mailbox, linkIn } from './support/mailbox.js';

const PASSWORD = 'an accessible passphrase for axe';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const VARIANTS = [
  { width: 1280, scheme: 'light' },
  { width: 1280, scheme: 'dark' },
  { width: 390, scheme: 'light' },
  { width: 390, scheme: 'dark' },
] as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

describe('accessibility (axe-core) of every page', () => {
  let server: TestServer;
  let session: BrowserSession;
  let axeSource: string;
  const checked: string[] = [];
  before(async () => {
    axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    server = await startTestServer();
    session = await openBrowser();
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  /** Runs axe on the page as it is, in every variant; fails with what it found. */
  async function audit(page: Page, name: string): Promise<void> {
    await page.evaluate(axeSource);
    const found: string[] = [];
    for (const variant of VARIANTS) {
      await page.setViewportSize({ width: variant.width, height: 900 });
      await page.emulateMedia({ colorScheme: variant.scheme });
      const violations = await page.evaluate(async (tags) => {
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
        return (await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })).violations;
      }, TAGS);
      for (const v of violations) found.push(`${variant.width}px ${variant.scheme}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`);
    }
    checked.push(name);
    assert.deepEqual(found, [], `${name} (${page.url()})`);
  }

  it('finds no violation on any page, signed out or in, in either scheme, wide or narrow', async () => {
    const { page, context } = session;
    const email = uniqueEmail('axe');
    // The third-party client's redirect: answered in the browser, nothing listens there.
    await context.route(`${new URL(THIRD_PARTY_REDIRECT).origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html lang="en"><title>App</title><main><h1>Back at the app</h1></main></html>' }));

    await page.goto(`${server.issuer}/demo`);
    await audit(page, 'demo');

    const app = await createThirdPartyClient(server, 'Axe Test App');
    await page.goto(authorizationUrl(server, app));
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await audit(page, 'sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not yet registered');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await audit(page, 'sign-in with an error');

    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await audit(page, 'forgot password');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await audit(page, 'forgot password (sent)');
    await page.getByRole('link', { name: 'Back to sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(email);

    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Create account' }).waitFor();
    await audit(page, 'registration');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await audit(page, 'check your email');
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await audit(page, 'check your email with an error');
    // The message's link in a second tab: its confirming page, and once used, the page saying so.
    const { link } = await verificationMail(page.url(), email);
    const tab = await page.context().newPage();
    await tab.goto(link);
    await tab.getByRole('button', { name: 'Confirm my email address' }).waitFor();
    await audit(tab, 'confirm email address');
    await confirmEmailInBrowser(page, email);
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    await tab.getByRole('button', { name: 'Confirm my email address' }).click();
    await tab.getByRole('heading', { name: 'This link does not work' }).waitFor();
    await audit(tab, 'used email link');
    await tab.close();
    await audit(page, 'consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Back at the app' }).waitFor();

    // Consent for an API (RFC 8707, docs/resources.md): its name, identifier and scopes.
    const api = 'https://api.axe.example.test';
    assert.equal((await server.admin('POST', '/admin/resources', { identifier: api, name: 'Axe API', scopes: ['read:items'] })).status, 201);
    const apiApp = await server.admin('POST', '/admin/clients', { client_name: 'Axe API App', public: true, redirect_uris: [THIRD_PARTY_REDIRECT], scope: 'openid read:items' });
    await page.goto(`${authorizationUrl(server, { client_id: apiApp.body.client_id, redirect_uri: THIRD_PARTY_REDIRECT, scope: 'openid read:items' })}&resource=${encodeURIComponent(api)}`);
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    await audit(page, 'consent for an API');
    // The device flow's pages (RFC 8628), signed in: code, error, confirmation, connected, not connected.
    const tv = await server.admin('POST', '/admin/clients', { client_name: 'Axe TV', public: true, first_party: true, grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] });
    const startDevice = async () => {
      const response = await fetch(`${server.issuer}/device/auth`, { method: 'POST', body: new URLSearchParams({ client_id: tv.body.client_id, scope: 'openid email' }) });
      return (await response.json()) as { user_code: string; verification_uri_complete: string };
    };
    await page.goto(`${server.issuer}/device`);
    await audit(page, 'device code');
    await page.getByLabel('Code').fill('BCDF-GHJK');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').waitFor();
    await audit(page, 'device code with an error');
    await page.getByLabel('Code').fill((await startDevice()).user_code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    await audit(page, 'device confirmation');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Device connected' }).waitFor();
    await audit(page, 'device connected');
    await page.goto((await startDevice()).verification_uri_complete);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'Device not connected' }).waitFor();
    await audit(page, 'device not connected');

    await page.goto(`${server.issuer}/account`);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await audit(page, 'account');
    await page.goto(`${server.issuer}/account/sessions`);
    await audit(page, 'sessions');
    await page.goto(`${server.issuer}/account/apps`);
    await audit(page, 'connected apps');
    await page.goto(`${server.issuer}/account/password`);
    await audit(page, 'change password');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(`${PASSWORD} again`);
    await page.getByLabel('Confirm new password').fill('something else');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').waitFor();
    await audit(page, 'change password with an error');

    const mailbox = Mailbox.ofServer(server.issuer);
    const newEmail = `moved-${email}`;
    await page.goto(`${server.issuer}/account/email`);
    await page.getByRole('heading', { name: 'Change email address' }).waitFor();
    await audit(page, 'change email');
    await page.getByLabel('New email address').fill(newEmail);
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Send verification link' }).click();
    await page.getByRole('status').waitFor();
    await page.goto(linkIn(await mailbox.next(newEmail, /Confirm your new email address/), 'email'));
    await page.getByRole('heading', { name: 'Confirm your new email address' }).waitFor();
    await audit(page, 'confirm new email');
    await page.getByRole('button', { name: 'Use this address' }).click();
    await page.getByRole('heading', { name: 'Email address changed' }).waitFor();
    await audit(page, 'email changed');

    await page.goto(`${server.issuer}/account`);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('heading', { name: 'Set up authenticator app' }).waitFor();
    await audit(page, 'authenticator setup');
    const clock = new CodeClock((await page.locator('#totp-secret').innerText()).replace(/\s+/g, ''));
    await page.getByLabel('Code').fill((await clock.next()).code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    await audit(page, 'recovery codes');

    // The session signed in with a password only: the account page now asks for the second step.
    await page.getByRole('link', { name: 'Back to your account' }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await audit(page, 'second step (code)');
    await page.getByRole('link', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').waitFor();
    await audit(page, 'second step (recovery code)');
    await page.getByRole('link', { name: 'Use your authenticator app' }).click();
    await page.getByLabel('Code').fill((await clock.next()).code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByRole('link', { name: 'Turn off authenticator app' }).click();
    await audit(page, 'turn off authenticator (confirmation)');

    // Passkeys: the page, then with one added through Chromium's virtual authenticator.
    await page.goto(`${server.issuer}/account/passkeys`);
    await audit(page, 'passkeys');
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } });
    await page.getByLabel('Name for the new passkey').fill('Laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('status').waitFor();
    await audit(page, 'passkeys (one added)');

    await page.goto(`${server.issuer}/session/end`);
    await page.getByRole('heading', { name: 'Sign out' }).waitFor();
    await audit(page, 'sign out');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForLoadState();
    await audit(page, 'signed out');

    await page.goto(authorizationUrl(server, app));
    // The account moved to `newEmail` above.
    await page.getByLabel('Email').fill(newEmail);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await audit(page, 'second step (code or passkey)');

    const unknownClient = new URL(`${server.issuer}/auth`);
    unknownClient.search = new URLSearchParams({ client_id: 'no-such-app', response_type: 'code', scope: 'openid', redirect_uri: 'https://app.example.test/cb' }).toString();
    await page.goto(unknownClient.href);
    await audit(page, 'provider error');
    await page.goto(`${server.issuer}/interaction/no-such-sign-in`);
    await audit(page, 'own error');
    await page.goto(`${server.issuer}/no-such-page`);
    await audit(page, '404');

    // The pages a mailed reset link opens: the form, its error, the outcome, an unusable link.
    const account = await server.admin('GET', `/admin/users/${encodeURIComponent(newEmail)}`);
    await server.app.accountLinks.sendPasswordLink(account.body.id, 'reset', 'en');
    const resetLink = linkIn(await mailbox.next(newEmail, /Reset your password/), 'reset');
    await page.goto(resetLink);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await audit(page, 'reset password');
    await page.getByLabel('New password', { exact: true }).fill(`${PASSWORD} reset`);
    await page.getByLabel('Confirm new password').fill('something else');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('alert').waitFor();
    await audit(page, 'reset password with an error');
    await page.getByLabel('New password', { exact: true }).fill(`${PASSWORD} reset`);
    await page.getByLabel('Confirm new password').fill(`${PASSWORD} reset`);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Password set' }).waitFor();
    await audit(page, 'password set');
    await page.goto(resetLink);
    await page.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
    await audit(page, 'link cannot be used');
  });

  it('would notice a violation (control: an unlabelled field and low-contrast text are reported)', async () => {
    const { page } = session;
    await page.goto(`${server.issuer}/demo`);
    await page.evaluate(() => {
      const main = document.querySelector('main')!;
      main.insertAdjacentHTML('beforeend', '<input type="text" name="unlabelled"><p class="faint">faint text</p>');
      main.querySelector<HTMLElement>('.faint')!.style.color = '#ccc';
    });
    await assert.rejects(audit(page, 'control'), (error: Error) => /label/.test(error.message) && /color-contrast/.test(error.message));
  });

  it('checked each page the brief names', () => {
    for (const name of ['sign-in', 'registration', 'consent', 'second step (code)', 'authenticator setup', 'recovery codes', 'account', 'passkeys', 'passkeys (one added)', 'second step (code or passkey)', 'sessions', 'change password', 'change email', 'confirm new email', 'forgot password', 'forgot password (sent)', 'reset password', 'password set', 'link cannot be used', 'sign out', 'provider error', 'own error', '404', 'device code', 'device confirmation', 'device connected', 'device not connected']) {
      assert.ok(checked.includes(name), `${name} was checked`);
    }
  });
});

/**
 * The language of the pages (messages/locales.ts): the authorization request's `ui_locales`, kept
 * for the whole interaction, else the browser's Accept-Language, else English; `<html lang>`
 * follows. Over HTTP, through the real sign-in, consent and account pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText, type Page } from './support/user-agent.js';
import { allow, authorizationRequest, callbackOf, createClient, isConsentPage, register, relyingParty, uniqueEmail } from './support/oidc-harness.js';

/** A browser that sends one Accept-Language header with every request. */
class BrowserIn extends UserAgent {
  constructor(private readonly acceptLanguage: string | undefined) {
    super();
  }

  override request(url: string, init: Parameters<UserAgent['request']>[1] = {}): Promise<Page> {
    return super.request(url, { ...init, headers: { ...(this.acceptLanguage && { 'accept-language': this.acceptLanguage }), ...init.headers } });
  }
}

const langOf = (page: Page) => /<html lang="([^"]+)"/.exec(page.body)?.[1];
const h1Of = (page: Page) => /<h1>([\s\S]*?)<\/h1>/.exec(page.body)?.[1]?.replace(/<[^>]+>/g, '');

/** What each language calls the sign-in heading and the consent button (messages.*.ts). */
const SIGN_IN = { en: 'Sign in', de: 'Anmelden', fr: 'Connexion' } as const;
const ALLOW = { en: '>Allow</button>', de: '>Erlauben</button>', fr: '>Autoriser</button>' } as const;

describe('page languages', () => {
  let server: TestServer;
  let rp: client.Configuration;
  before(async () => {
    server = await startTestServer();
    // A third-party client, so the consent page is shown.
    rp = await relyingParty(server, await createClient(server));
  });
  after(() => server.close());

  /** Opens the login page of a fresh authorization request with these extra parameters. */
  async function openLogin(agent: UserAgent, params: Record<string, string> = {}): Promise<Page> {
    const { url } = await authorizationRequest(rp, params);
    const page = await agent.follow(url);
    assert.equal(page.status, 200, `no login page: ${page.status} ${page.body.slice(0, 200)}`);
    return page;
  }

  it('shows sign-in, registration and consent in the language of ui_locales, for the whole interaction', async () => {
    const agent = new BrowserIn(undefined);
    const login = await openLogin(agent, { ui_locales: 'de' });
    assert.equal(langOf(login), 'de');
    assert.equal(h1Of(login), SIGN_IN.de);
    assert.match(login.body, /<label for="password">Passwort<\/label>/);
    assert.match(login.body, /<title>Anmelden · Portcullis<\/title>/);

    // Later pages of the interaction carry no ui_locales of their own: the interaction keeps it.
    const registerPage = await agent.request(new URL(/href="([^"]*\/register)"/.exec(login.body)![1]!, login.url).href);
    assert.equal(langOf(registerPage), 'de');
    assert.equal(h1Of(registerPage), 'Konto erstellen');

    const consent = await register(agent, login, uniqueEmail('de'));
    assert.ok(isConsentPage(consent), `expected the consent page, got ${consent.status}`);
    assert.equal(langOf(consent), 'de');
    assert.match(h1Of(consent) ?? '', /möchte auf Ihr Konto zugreifen$/);
    assert.ok(consent.body.includes(ALLOW.de));
    assert.match(consent.body, /Ihre E-Mail-Adresse sehen und ob sie bestätigt ist/);
  });

  it('says a failed sign-in in the language of the interaction', async () => {
    const agent = new BrowserIn('en');
    const login = await openLogin(agent, { ui_locales: 'fr' });
    const failed = await agent.submit(login, '/login', { email: uniqueEmail('nobody'), password: 'wrong password 123' });
    assert.equal(failed.status, 401);
    assert.equal(langOf(failed), 'fr');
    assert.equal(alertText(failed.body), 'L’adresse e-mail ou le mot de passe est incorrect.');
  });

  it('says a form field error in the language of the interaction', async () => {
    const agent = new BrowserIn(undefined);
    const login = await openLogin(agent, { ui_locales: 'de' });
    const registerPage = await agent.request(new URL(/href="([^"]*\/register)"/.exec(login.body)![1]!, login.url).href);
    const refused = await agent.submit(registerPage, '/register', { email: uniqueEmail('field'), name: 'n'.repeat(201), password: 'long enough password 42' });
    assert.equal(refused.status, 400);
    assert.equal(alertText(refused.body), 'Der Name ist zu lang.');
  });

  it('takes the browser language when the request has no ui_locales', async () => {
    const agent = new BrowserIn('fr-CH, fr;q=0.9, en;q=0.5');
    const login = await openLogin(agent);
    assert.equal(langOf(login), 'fr');
    assert.equal(h1Of(login), SIGN_IN.fr);
    const consent = await register(agent, login, uniqueEmail('fr'));
    assert.ok(isConsentPage(consent));
    assert.equal(langOf(consent), 'fr');
    assert.ok(consent.body.includes(ALLOW.fr));
  });

  it('prefers ui_locales to the browser language, and the first supported tag among them', async () => {
    const login = await openLogin(new BrowserIn('fr'), { ui_locales: 'es-ES de-AT fr' });
    assert.equal(langOf(login), 'de');
    assert.equal(h1Of(login), SIGN_IN.de);
  });

  it('falls back to English for languages it does not speak', async () => {
    const login = await openLogin(new BrowserIn('ja, es;q=0.8'), { ui_locales: 'pt-BR' });
    assert.equal(langOf(login), 'en');
    assert.equal(h1Of(login), SIGN_IN.en);
    const plain = await openLogin(new BrowserIn(undefined));
    assert.equal(langOf(plain), 'en');
  });

  it('shows the account page in the browser language', async () => {
    const agent = new BrowserIn('de-DE,de;q=0.9');
    const login = await agent.follow(`${server.issuer}/account`);
    assert.equal(langOf(login), 'de');
    assert.equal(h1Of(login), SIGN_IN.de);
    const account = await register(agent, login, uniqueEmail('account'));
    const page = account.location ? await agent.follow(account.location) : account;
    assert.equal(page.status, 200);
    assert.equal(langOf(page), 'de');
    assert.equal(h1Of(page), 'Ihr Konto');
    assert.match(page.body, /Passwort ändern/);
    const sessions = await agent.request(`${server.issuer}/account/sessions`);
    assert.equal(h1Of(sessions), 'Ihre Sitzungen');
  });

  it('accepts claims_locales and returns the claims as the person gave them', async () => {
    // Claim values are stored as typed and never localised (discovery lists no
    // claims_locales_supported), so a claims_locales request changes nothing and is not refused.
    const agent = new BrowserIn(undefined);
    const request = await authorizationRequest(rp, { scope: 'openid profile email', claims_locales: 'de fr', ui_locales: 'fr' });
    let page = await register(agent, await agent.follow(request.url), uniqueEmail('claims'), 'Ada Lovelace');
    assert.equal(langOf(page), 'fr');
    if (isConsentPage(page)) page = await allow(agent, page);
    const tokens = await client.authorizationCodeGrant(rp, callbackOf(page), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    const claims = tokens.claims()!;
    assert.equal(claims.name, 'Ada Lovelace');
    assert.deepEqual(Object.keys(claims).filter((name) => name.includes('#')), []);
  });

  it("renders the provider's own pages (sign-out) in the browser language", async () => {
    const agent = new BrowserIn('de');
    await register(agent, await agent.follow(`${server.issuer}/account`), uniqueEmail('logout'));
    const page = await agent.request(`${server.issuer}/session/end`);
    assert.equal(page.status, 200);
    assert.equal(langOf(page), 'de');
    assert.equal(h1Of(page), 'Abmelden');
    assert.match(page.body, />Abbrechen<\/button>/);
  });

  it('answers an unknown page in the browser language', async () => {
    const page = await new BrowserIn('fr').request(`${server.issuer}/nowhere`);
    assert.equal(page.status, 404);
    assert.equal(langOf(page), 'fr');
    assert.equal(h1Of(page), 'Page introuvable');
  });
});

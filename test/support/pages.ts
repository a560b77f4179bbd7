/**
 * Journeys through Portcullis's own pages over plain HTTP, shared by the pages-* and admin-*
 * tests: reach the login page through the demo, register, sign in, and start an authorization
 * request for a client of the test's own (for example a third-party client that gets a consent page).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TestServer } from './test-server.js';
import { UserAgent, type Page } from './user-agent.js';
import { confirmEmail } from './mail.js';

export interface Credentials {
  email: string;
  password: string;
  name?: string;
}

let counter = 0;
/** A fresh, unique email per call, so tests sharing one server never collide. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}-${counter}-${randomBytes(3).toString('hex')}@example.com`;
}

/** Opens the demo's "Sign in" and lands on the login page of a fresh interaction. */
export async function openLogin(server: TestServer, agent = new UserAgent()): Promise<Page> {
  const page = await agent.follow(`${server.issuer}/demo/login`);
  if (!page.url.includes('/interaction/')) throw new Error(`expected the login page, got ${page.status} ${page.url}`);
  return page;
}

/** The interaction uid in a page URL such as /interaction/:uid or /interaction/:uid/register. */
export function interactionUid(page: Page): string {
  const match = /\/interaction\/([^/?#]+)/.exec(page.url);
  if (!match) throw new Error(`not an interaction page: ${page.url}`);
  return match[1]!;
}

/** Follows the login page's "Create account" link. */
export async function openRegister(agent: UserAgent, login: Page): Promise<Page> {
  const href = /href="([^"]*\/register)"/.exec(login.body)?.[1];
  if (!href) throw new Error('no "Create account" link on the login page');
  return agent.request(new URL(href, login.url).href);
}

/** Submits the registration form of a fresh interaction; returns the POST's response. */
export async function submitRegistration(server: TestServer, credentials: Credentials, agent = new UserAgent()): Promise<Page> {
  const register = await openRegister(agent, await openLogin(server, agent));
  return agent.submit(register, '/register', { email: credentials.email, name: credentials.name ?? '', password: credentials.password });
}

/**
 * Registers an account through the pages and confirms its address with the mailed code (a
 * password alone never signs in to an unconfirmed address); fails loudly when that does not work.
 */
export async function registerAccount(server: TestServer, credentials: Credentials): Promise<void> {
  const agent = new UserAgent();
  const response = await submitRegistration(server, credentials, agent);
  if (response.status !== 303) throw new Error(`registration failed: ${response.status} ${response.body.slice(0, 500)}`);
  await confirmEmail(agent, response, credentials.email);
}

/** Submits the login form of a fresh interaction, in a fresh browser; returns the POST's response. */
export async function submitLogin(server: TestServer, email: string, password: string, agent = new UserAgent()): Promise<Page> {
  return agent.submit(await openLogin(server, agent), '/login', { email, password });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An authorization request URL (code + PKCE S256) for a client the test registered. */
export function authorizationUrl(server: TestServer, client: { client_id: string; redirect_uri: string; scope?: string }): string {
  const url = new URL(`${server.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    scope: client.scope ?? 'openid email',
    redirect_uri: client.redirect_uri,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
  }).toString();
  return url.href;
}

export const THIRD_PARTY_REDIRECT = 'http://127.0.0.1:9/callback';

/** Registers a third-party public client through the admin API; it gets a consent page. */
export async function createThirdPartyClient(server: TestServer, name = 'Third Party App'): Promise<{ client_id: string; redirect_uri: string }> {
  const created = await server.admin('POST', '/admin/clients', { client_name: name, public: true, redirect_uris: [THIRD_PARTY_REDIRECT], scope: 'openid email' });
  if (created.status !== 201) throw new Error(`client creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  return { client_id: created.body.client_id, redirect_uri: THIRD_PARTY_REDIRECT };
}

/**
 * Signs in (registering first) for a third-party client and stops on its consent page.
 * Returns the agent holding the session and interaction cookies, and the consent page.
 */
export async function openConsent(server: TestServer, client: { client_id: string; redirect_uri: string }): Promise<{ agent: UserAgent; consent: Page; credentials: Credentials }> {
  const credentials = { email: uniqueEmail('consent'), password: 'consent page passphrase' };
  await registerAccount(server, credentials);
  const agent = new UserAgent();
  const login = await agent.follow(authorizationUrl(server, client));
  const posted = await agent.submit(login, '/login', credentials);
  if (posted.status !== 303) throw new Error(`login failed: ${posted.status}`);
  const consent = await agent.follow(posted.location!, (location) => location.startsWith(client.redirect_uri));
  if (!consent.body.includes('>Allow</button>')) throw new Error(`expected the consent page, got ${consent.status} ${consent.url}`);
  return { agent, consent, credentials };
}

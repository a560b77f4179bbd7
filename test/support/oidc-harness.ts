/**
 * Shared steps for the OIDC integration tests (test/oidc-*.test.ts): register clients through
 * the admin API, drive a person through sign-in and consent with a UserAgent, and talk to the
 * provider's endpoints either as a relying party (openid-client) or with raw HTTP, for the
 * negative tests that must send what a well-behaved client never would.
 */
import { confirmEmail } from './mail.js';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './test-server.js';
import { UserAgent, type Page } from './user-agent.js';

export const REDIRECT_URI = 'https://app.example.test/callback';
export const LOGOUT_REDIRECT_URI = 'https://app.example.test/signed-out';
export const PASSWORD = 'correct horse battery staple 42';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  token_endpoint_auth_method: string;
}

export interface Endpoints {
  authorization: string;
  token: string;
  userinfo: string;
  introspection: string;
  revocation: string;
  endSession: string;
  jwks: string;
}

/** Registers a client through the admin API; defaults to a confidential third-party web app. */
export async function createClient(server: TestServer, body: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const response = await server.admin('POST', '/admin/clients', {
    client_name: 'Test App',
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: [LOGOUT_REDIRECT_URI],
    ...body,
  });
  assert.equal(response.status, 201, `client registration failed: ${JSON.stringify(response.body)}`);
  return response.body as RegisteredClient;
}

/** The endpoint URLs, read from discovery (never hard-coded). */
export async function endpointsOf(server: TestServer): Promise<Endpoints> {
  const response = await fetch(`${server.issuer}/.well-known/openid-configuration`);
  const metadata = (await response.json()) as Record<string, string>;
  return {
    authorization: metadata.authorization_endpoint!,
    token: metadata.token_endpoint!,
    userinfo: metadata.userinfo_endpoint!,
    introspection: metadata.introspection_endpoint!,
    revocation: metadata.revocation_endpoint!,
    endSession: metadata.end_session_endpoint!,
    jwks: metadata.jwks_uri!,
  };
}

/** An openid-client relying party for a registered client (http issuer allowed: tests only). */
export async function relyingParty(server: TestServer, registered: RegisteredClient): Promise<client.Configuration> {
  const auth = registered.client_secret === undefined ? client.None() : client.ClientSecretBasic(registered.client_secret);
  return client.discovery(new URL(server.issuer), registered.client_id, undefined, auth, { execute: [client.allowInsecureRequests] });
}

/** A machine client: client credentials only, nowhere to redirect to. */
export const MACHINE_CLIENT = { grant_types: ['client_credentials'], redirect_uris: [], post_logout_redirect_uris: [] };

export interface OidcServer {
  server: TestServer;
  endpoints: Endpoints;
  /** A first-party web client. */
  web: RegisteredClient;
  /** With `{ machine: true }`: a client-credentials client. */
  machine: RegisteredClient;
}

/**
 * The usual start of a test file: one server, its endpoints from discovery, a first-party web
 * client and, on request, a machine client. The caller closes `server`.
 */
export async function openOidcServer(options: { machine?: boolean } = {}): Promise<OidcServer> {
  const server = await startTestServer();
  const endpoints = await endpointsOf(server);
  const web = await createClient(server, { first_party: true });
  const machine = options.machine ? await createClient(server, MACHINE_CLIENT) : (undefined as never);
  return { server, endpoints, web, machine };
}

export const uniqueEmail = (label = 'user') => `${label}-${randomUUID()}@example.test`;

export interface AuthorizationRequest {
  url: string;
  codeVerifier: string;
  nonce: string;
  state: string;
  redirectUri: string;
}

/** Builds a code + PKCE (S256) authorization request with a fresh state and nonce. */
export async function authorizationRequest(config: client.Configuration, params: Record<string, string> = {}): Promise<AuthorizationRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const redirectUri = params.redirect_uri ?? REDIRECT_URI;
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    ...params,
  });
  return { url: url.href, codeVerifier, nonce, state, redirectUri };
}

/** Follows redirects on the server's origin, stopping at the first redirect elsewhere (the client). */
export function followToClient(agent: UserAgent, url: string): Promise<Page> {
  const origin = new URL(url).origin;
  return agent.follow(url, (location) => new URL(location).origin !== origin);
}

/** From the login page: creates an account, confirms its address with the emailed code (which signs in) and follows on. */
export async function register(agent: UserAgent, loginPage: Page, email: string, name = 'Ada Lovelace'): Promise<Page> {
  const href = /href="([^"]*\/register)"/.exec(loginPage.body)?.[1];
  assert.ok(href, `no "Create account" link on the page (status ${loginPage.status})`);
  const registerPage = await agent.request(new URL(href, loginPage.url).href);
  const registered = await agent.submit(registerPage, '/register', { email, name, password: PASSWORD });
  assert.equal(registered.status, 303, `registration did not redirect: ${registered.body.slice(0, 300)}`);
  const confirmed = await confirmEmail(agent, registered, email);
  return followToClient(agent, confirmed.location!);
}

/** From the login page: signs in with an existing account and follows on. */
export async function signIn(agent: UserAgent, loginPage: Page, email: string): Promise<Page> {
  const submitted = await agent.submit(loginPage, '/login', { email, password: PASSWORD });
  assert.equal(submitted.status, 303, `sign-in did not redirect: ${submitted.body.slice(0, 300)}`);
  return followToClient(agent, submitted.location!);
}

export const isConsentPage = (page: Page) => page.status === 200 && page.body.includes('/consent"');

/** Presses "Allow" on the consent page and follows to the client. */
export async function allow(agent: UserAgent, consentPage: Page): Promise<Page> {
  const answered = await agent.submit(consentPage, '/consent', {});
  assert.equal(answered.status, 303, `consent did not redirect: ${answered.body.slice(0, 300)}`);
  return followToClient(agent, answered.location!);
}

/** Asserts that the page is the redirect back to the client and returns its URL. */
export function callbackOf(page: Page, redirectUri = REDIRECT_URI): URL {
  const location = page.location ?? '';
  assert.ok(location.startsWith(`${redirectUri}?`), `expected a redirect to ${redirectUri}, got ${page.status} ${location || page.body.slice(0, 300)}`);
  return new URL(location);
}

export interface SignedInSession {
  agent: UserAgent;
  email: string;
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  request: AuthorizationRequest;
}

/**
 * A new person registers through `registered` and the client redeems the code: the shortest
 * path to live tokens for tests about what happens next. Consent is given when asked.
 */
export async function signUpAndRedeem(server: TestServer, registered: RegisteredClient, scope = 'openid email profile offline_access'): Promise<SignedInSession> {
  const config = await relyingParty(server, registered);
  const request = await authorizationRequest(config, { scope, redirect_uri: registered.redirect_uris[0]! });
  const agent = new UserAgent();
  const email = uniqueEmail();
  let page = await register(agent, await followToClient(agent, request.url), email);
  if (isConsentPage(page)) page = await allow(agent, page);
  const tokens = await client.authorizationCodeGrant(config, callbackOf(page, request.redirectUri), {
    pkceCodeVerifier: request.codeVerifier,
    expectedNonce: request.nonce,
    expectedState: request.state,
  });
  return { agent, email, tokens, request };
}

/** Signs a new person in and stops at the redirect with the code, without redeeming it. */
export async function codeFor(server: TestServer, registered: RegisteredClient, params: Record<string, string> = {}): Promise<{ code: string; request: AuthorizationRequest }> {
  const config = await relyingParty(server, registered);
  const request = await authorizationRequest(config, { redirect_uri: registered.redirect_uris[0]!, ...params });
  const agent = new UserAgent();
  let page = await register(agent, await followToClient(agent, request.url), uniqueEmail(), 'Code Holder');
  if (isConsentPage(page)) page = await allow(agent, page);
  const code = callbackOf(page, request.redirectUri).searchParams.get('code');
  assert.ok(code, 'no code in the authorization response');
  return { code, request };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

const basic = (registered: RegisteredClient) =>
  `Basic ${Buffer.from(`${encodeURIComponent(registered.client_id)}:${encodeURIComponent(registered.client_secret ?? '')}`).toString('base64')}`;

/**
 * A raw form POST to a provider endpoint. A confidential client authenticates with
 * client_secret_basic; a public one sends its client_id in the body.
 */
export async function postForm(url: string, form: Record<string, string>, as?: RegisteredClient, headers: Record<string, string> = {}): Promise<RawResponse> {
  const body = new URLSearchParams(form);
  const auth: Record<string, string> = {};
  if (as?.client_secret !== undefined) auth.authorization = basic(as);
  else if (as) body.set('client_id', as.client_id);
  return send(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth, ...headers }, body: body.toString() });
}

export async function send(url: string, init: RequestInit): Promise<RawResponse> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** Introspects `token` as `as` (a confidential client, the resource server's view). */
export async function introspect(endpoints: Endpoints, token: string, as: RegisteredClient): Promise<Record<string, unknown>> {
  const response = await postForm(endpoints.introspection, { token }, as);
  assert.equal(response.status, 200, response.text);
  return response.body as Record<string, unknown>;
}

/**
 * An AI agent as the Model Context Protocol's authorization spec has it sign in, end to end: a
 * script plays the MCP client (openid-client), a small MCP server plays the API (jose), and
 * Chromium plays the person.
 * 1. The agent calls the MCP server without a token: 401 with `WWW-Authenticate: Bearer
 *    resource_metadata=…` (RFC 9728), whose document names the authorization server.
 * 2. It fetches the authorization server's RFC 8414 metadata, registers itself dynamically
 *    (RFC 7591, open registration for a public loopback client: DYNAMIC_REGISTRATION=open-native),
 * 3. runs authorization code + PKCE with `resource=<MCP server URL>` (RFC 8707) in Chromium, where
 *    a person creates an account, confirms the address with the mailed code and allows the agent
 *    on the consent page (which names the MCP server), and receives the code on its own loopback
 *    listener (RFC 8252 §7.3),
 * 4. redeems it with `resource` again for a JWT access token (RFC 9068), and calls the MCP
 *    server, which validates the token offline against the JWKS: issuer, audience, expiry, scope.
 * Cost: one embedded server and one Chromium, ~10 s.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestServer, type TestServer } from './support/test-server.js';
import { openBrowser, type BrowserSession } from './support/browser.js';
import { confirmEmailInBrowser } from './support/mail.js';

const SCOPE = 'notes:read';

interface McpServer {
  url: string;
  close(): Promise<void>;
}

const listenOn = (server: http.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const closeServer = (server: http.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * The MCP server: one protected endpoint (`/mcp`) and its RFC 9728 metadata. It trusts only
 * JWT access tokens from `issuer`, for its own URL, unexpired, with SCOPE (RFC 9068 §4).
 */
async function startMcpServer(issuer: string): Promise<McpServer> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  let url = '';
  const server = http.createServer((req, res) => {
    void (async () => {
      const origin = new URL(url).origin;
      if (req.url === '/.well-known/oauth-protected-resource/mcp') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ resource: url, authorization_servers: [issuer], scopes_supported: [SCOPE], bearer_methods_supported: ['header'] }));
        return;
      }
      const challenge = `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token) return void res.writeHead(401, { 'www-authenticate': challenge }).end();
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer, audience: url, typ: 'at+jwt', requiredClaims: ['exp', 'sub', 'client_id', 'scope'] });
        if (!String(payload.scope).split(' ').includes(SCOPE)) return void res.writeHead(403, { 'www-authenticate': `${challenge}, error="insufficient_scope", scope="${SCOPE}"` }).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'list_notes' }] }, sub: payload.sub }));
      } catch (error) {
        res.writeHead(401, { 'www-authenticate': `${challenge}, error="invalid_token"`, 'x-reason': (error as Error).message.replace(/[^\x20-\x7e]/g, '') }).end();
      }
    })();
  });
  const port = await listenOn(server);
  url = `http://127.0.0.1:${port}/mcp`;
  return { url, close: () => closeServer(server) };
}

/** The agent's loopback redirect listener (RFC 8252 §7.3): resolves with the first callback URL. */
async function startCallbackListener(): Promise<{ redirectUri: string; callback: Promise<URL>; close(): Promise<void> }> {
  let resolveCallback!: (url: URL) => void;
  const callback = new Promise<URL>((resolve) => (resolveCallback = resolve));
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in. You can close this window.');
    resolveCallback(new URL(req.url ?? '/', `http://${req.headers.host}`));
  });
  const port = await listenOn(server);
  return { redirectUri: `http://127.0.0.1:${port}/callback`, callback, close: () => closeServer(server) };
}

const call = (url: string, token?: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });

describe('an MCP agent signs in with dynamic registration, PKCE and a resource indicator', () => {
  let server: TestServer;
  let mcp: McpServer;
  let browser: BrowserSession;

  before(async () => {
    server = await startTestServer({ DYNAMIC_REGISTRATION: 'open-native' });
    mcp = await startMcpServer(server.issuer);
    // The operator registers the MCP server as a resource (here through the admin API; the CLI's
    // `resources create` sends the same request).
    const created = await server.admin('POST', '/admin/resources', { identifier: mcp.url, name: 'Notes MCP server', scopes: [SCOPE] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await mcp?.close();
    await server?.close();
  });

  it('discovers, registers, signs in through Chromium and calls the MCP server with a JWT it validates offline', async () => {
    // 1. Unauthenticated call: where to get a token (RFC 9728 §5.1).
    const refused = await call(mcp.url);
    assert.equal(refused.status, 401);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(refused.headers.get('www-authenticate') ?? '')?.[1];
    assert.ok(metadataUrl, 'a resource_metadata pointer');
    const protectedResource = (await (await fetch(metadataUrl)).json()) as { resource: string; authorization_servers: string[]; scopes_supported: string[] };
    assert.equal(protectedResource.resource, mcp.url);
    const issuer = new URL(protectedResource.authorization_servers[0]!);

    // 2. RFC 8414 metadata: PKCE S256, a registration endpoint.
    const asMetadata = (await (await fetch(new URL('/.well-known/oauth-authorization-server', issuer))).json()) as Record<string, unknown>;
    assert.equal(asMetadata.issuer, server.issuer);
    assert.deepEqual(asMetadata.code_challenge_methods_supported, ['S256']);
    assert.equal(typeof asMetadata.registration_endpoint, 'string');

    // …and registers itself: a public native client on a loopback redirect, asking for the MCP
    // server's scope (a client may ask only for the scopes it is registered with).
    const listener = await startCallbackListener();
    try {
      const config = await client.dynamicClientRegistration(issuer, {
        client_name: 'Notes agent',
        redirect_uris: [listener.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none',
        scope: protectedResource.scopes_supported.join(' '),
      }, client.None(), { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
      assert.equal(config.clientMetadata().token_endpoint_auth_method, 'none');

      // 3. Code + PKCE with the resource indicator, in the browser.
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const authorizationUrl = client.buildAuthorizationUrl(config, {
        redirect_uri: listener.redirectUri,
        scope: SCOPE,
        resource: mcp.url,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      const { page } = browser;
      await page.goto(authorizationUrl.href);
      await page.getByRole('link', { name: 'Create account' }).click();
      const owner = `agent-owner-${Date.now()}@example.test`;
      await page.getByLabel('Email').fill(owner);
      await page.getByLabel('Name').fill('Agent Owner');
      await page.getByLabel('Password').fill('a passphrase for the agent test');
      await page.getByRole('button', { name: 'Create account' }).click();
      // A new account confirms its email address first (docs/email.md).
      await confirmEmailInBrowser(page, owner);
      // The consent page names the MCP server and the scope asked there.
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      assert.equal(await page.locator('.resource-name').innerText(), 'Notes MCP server');
      assert.match(await page.locator('.scopes').last().innerText(), new RegExp(SCOPE));
      // It registered itself: the page says the operator has not verified it.
      assert.match(await page.locator('.unverified-client').innerText(), /registered itself/);
      await page.getByRole('button', { name: 'Allow' }).click();
      const callbackUrl = await listener.callback;

      // 4. The token request names the resource again (RFC 8707 §2.2; the MCP spec requires it).
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: verifier, expectedState: state }, { resource: mcp.url });
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.equal(tokens.scope, SCOPE);

      const answer = await call(mcp.url, tokens.access_token);
      assert.equal(answer.status, 200, answer.headers.get('x-reason') ?? '');
      const body = (await answer.json()) as { result: { tools: { name: string }[] } };
      assert.deepEqual(body.result.tools.map((t) => t.name), ['list_notes']);

      // The same token presented to another MCP server (another audience) is refused there.
      const other = await startMcpServer(server.issuer);
      try {
        const elsewhere = await call(other.url, tokens.access_token);
        assert.equal(elsewhere.status, 401);
        assert.match(elsewhere.headers.get('x-reason') ?? '', /aud/);
      } finally {
        await other.close();
      }
    } finally {
      await listener.close();
    }
  });
});

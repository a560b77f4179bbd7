/**
 * A minimal third-party web application for tests: its own HTTP server on loopback, registered
 * with Portcullis through the admin API, signing people in with authorization code + PKCE
 * through openid-client. Unlike the embedded demo it exists in every mode, so browser tests can
 * run against the production stack too.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { TestServer } from './test-server.js';

export interface RelyingParty {
  origin: string;
  clientId: string;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main>${body}</main></body></html>`;
const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startRelyingParty(server: Pick<TestServer, 'issuer' | 'admin'>, options: { firstParty?: boolean } = {}): Promise<RelyingParty> {
  const pending = new Map<string, { verifier: string; nonce: string }>();
  // Discovered after the server is listening (its origin is the redirect URI's).
  const rp: { config?: client.Configuration } = {};
  let origin = '';

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('Test app', '<h1>Test app</h1><a href="/login">Sign in</a>'));
    } else if (url.pathname === '/login') {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      pending.set(state, { verifier, nonce });
      const target = client.buildAuthorizationUrl(rp.config!, {
        redirect_uri: `${origin}/callback`,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      res.writeHead(303, { location: target.href }).end();
    } else if (url.pathname === '/callback') {
      const state = url.searchParams.get('state') ?? '';
      const saved = pending.get(state);
      pending.delete(state);
      if (!saved) {
        res.writeHead(400, { 'content-type': 'text/html' }).end(page('Error', '<p role="alert">Unknown state</p>'));
        return;
      }
      const tokens = await client.authorizationCodeGrant(rp.config!, url, { pkceCodeVerifier: saved.verifier, expectedState: state, expectedNonce: saved.nonce });
      const claims = tokens.claims()!;
      const userinfo = await client.fetchUserInfo(rp.config!, tokens.access_token, claims.sub);
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        page('Signed in', `<h1>Signed in</h1><pre id="claims">${escape(JSON.stringify(claims))}</pre><pre id="userinfo">${escape(JSON.stringify(userinfo))}</pre>`),
      );
    } else {
      res.writeHead(404).end();
    }
  };

  const httpServer = http.createServer((req, res) => {
    handler(req, res).catch((error: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`relying party error: ${error.message}`);
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  const registered = await server.admin('POST', '/admin/clients', {
    client_name: 'Test app',
    redirect_uris: [`${origin}/callback`],
    first_party: options.firstParty ?? false,
  });
  if (registered.status !== 201) throw new Error(`cannot register the test app: ${JSON.stringify(registered.body)}`);
  const { client_id: clientId, client_secret: secret } = registered.body as { client_id: string; client_secret: string };
  rp.config = await client.discovery(new URL(server.issuer), clientId, undefined, client.ClientSecretBasic(secret), {
    execute: server.issuer.startsWith('http://') ? [client.allowInsecureRequests] : [],
  });

  return {
    origin,
    clientId,
    close: () => new Promise((resolve) => httpServer.close(() => resolve())),
  };
}

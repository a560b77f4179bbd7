/**
 * OpenID Connect Back-Channel Logout 1.0: a client that registered backchannel_logout_uri gets a
 * logout token, POSTed to a real HTTP receiver on loopback, when a session with it ends by
 * RP-initiated logout, by the account page's "Sign out", by the admin's revocation or by
 * disabling the user. The token verifies
 * against /jwks with jose: iss, aud, the logout event, sub and sid, and never a nonce (§2.4).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { startTestServer, type TestServer } from './support/test-server.js';
import { LOGOUT_REDIRECT_URI, createClient, endpointsOf, relyingParty, signUpAndRedeem, type RegisteredClient } from './support/oidc-harness.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

describe('back-channel logout', () => {
  let server: TestServer;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: { path: string; contentType: string | undefined; body: string }[] = [];
  let registered: RegisteredClient & { backchannel_logout_uri?: string };

  before(async () => {
    server = await startTestServer();
    receiver = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`;
    registered = await createClient(server, { first_party: true, backchannel_logout_uri: receiverUrl });
  });
  after(async () => {
    await new Promise((resolve) => receiver.close(resolve));
    await server.close();
  });

  /** Waits for the next logout token and verifies it; returns its claims. */
  async function nextLogoutToken(): Promise<JWTPayload> {
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const delivery = received.shift();
    assert.ok(delivery, 'no logout token reached the receiver');
    assert.equal(delivery.path, '/backchannel');
    assert.match(delivery.contentType ?? '', /^application\/x-www-form-urlencoded/);
    const token = new URLSearchParams(delivery.body).get('logout_token');
    assert.ok(token);
    const jwks = createRemoteJWKSet(new URL((await endpointsOf(server)).jwks));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: server.issuer, audience: registered.client_id, typ: 'logout+jwt' });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.deepEqual(payload.events, { [EVENT]: {} });
    assert.equal(payload.nonce, undefined);
    assert.ok(payload.jti && payload.iat);
    return payload;
  }

  it('stores the URI through the admin API and refuses plain http off loopback', async () => {
    const shown = await server.admin('GET', `/admin/clients/${registered.client_id}`);
    assert.equal(shown.body.backchannel_logout_uri, receiverUrl);
    assert.equal(shown.body.backchannel_logout_session_required, true);
    const refused = await server.admin('POST', '/admin/clients', { client_name: 'Bad', redirect_uris: ['https://a.example/cb'], backchannel_logout_uri: 'http://rp.example/logout' });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /http is only allowed for loopback hosts/);
    const discovery = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(discovery.backchannel_logout_supported, true);
  });

  it('sends a verifiable logout token on RP-initiated logout', async () => {
    const config = await relyingParty(server, registered);
    const { agent, email, tokens } = await signUpAndRedeem(server, registered, 'openid email');
    const claims = tokens.claims()!;
    const endSession = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT_REDIRECT_URI });
    const confirm = await agent.request(endSession.href);
    const form = /<form id="op\.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"\/>/.exec(confirm.body);
    assert.ok(form);
    const submitted = await agent.request(new URL(form[1]!.replaceAll('&amp;', '&'), confirm.url).href, { form: { xsrf: form[2]!, logout: 'yes' } });
    assert.ok(submitted.status === 302 || submitted.status === 303);
    const logout = await nextLogoutToken();
    assert.equal(logout.sub, claims.sub);
    assert.equal(typeof logout.sid, 'string');
    assert.equal(logout.sid, claims.sid, 'the sid of the ID token issued in that session');
    // Audited like every other ending of a session.
    const audit = await server.admin('GET', `/admin/audit?user=${encodeURIComponent(email)}&limit=100`);
    const revoked = (audit.body.events as { type: string; client_id: string | null; detail: Record<string, unknown> }[]).filter((e) => e.type === 'session.revoked');
    assert.equal(revoked.length, 1);
    assert.equal(revoked[0]!.detail.reason, 'logout');
    assert.equal(revoked[0]!.client_id, registered.client_id);
  });

  it('sends one when an admin revokes the sessions, and when the user is disabled', async () => {
    for (const action of ['revoke-sessions', 'disable'] as const) {
      const { email, tokens } = await signUpAndRedeem(server, registered, 'openid email');
      const claims = tokens.claims()!;
      const response = await server.admin('POST', `/admin/users/${encodeURIComponent(email)}/${action}`);
      assert.equal(response.status, 200);
      const logout = await nextLogoutToken();
      assert.equal(logout.sub, claims.sub, action);
      assert.equal(logout.sid, claims.sid, action);
    }
    assert.equal(received.length, 0, 'exactly one token per ended session');
  });

  it('sends one when the person signs out on the account page, as every ending of a session does', async () => {
    const { agent, tokens } = await signUpAndRedeem(server, registered, 'openid email');
    const claims = tokens.claims()!;
    // The same browser opens /account (its session signs the account page in without a form).
    const home = await agent.follow(`${server.issuer}/account`, (location) => new URL(location).origin !== new URL(server.issuer).origin);
    assert.match(home.body, /<h1>Your account<\/h1>/);
    const signedOut = await agent.submit(home, '/account/logout', {});
    assert.equal(signedOut.status, 303);
    const logout = await nextLogoutToken();
    assert.equal(logout.sub, claims.sub);
    assert.equal(logout.sid, claims.sid);
    assert.equal(received.length, 0, 'exactly one token');
  });
});

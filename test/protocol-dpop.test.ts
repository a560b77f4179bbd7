/**
 * RFC 9449 DPoP (oidc/dpop.ts), end to end with openid-client and jose:
 * - the server's nonce challenge (use_dpop_nonce + DPoP-Nonce) is answered and the token bound:
 *   token_type DPoP, introspection shows cnf.jkt = the key's thumbprint (RFC 9449 §6.2);
 * - a stolen DPoP-bound access token is refused at userinfo as Bearer and with another key's proof;
 * - a public client's refresh token is bound to the key too (RFC 9449 §5);
 * - a client registered with dpop_bound_access_tokens is refused a token without a proof;
 * - a proof is single use: a replayed jti is refused.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import {
  allow,
  authorizationRequest,
  callbackOf,
  createClient,
  endpointsOf,
  followToClient,
  introspect,
  isConsentPage,
  MACHINE_CLIENT,
  postForm,
  register,
  relyingParty,
  send,
  uniqueEmail,
  type Endpoints,
  type RegisteredClient,
} from './support/oidc-harness.js';

type KeyPair = { privateKey: CryptoKey; publicKey: CryptoKey };

/** A DPoP proof made by hand (RFC 9449 §4.2), for what openid-client would never send. */
async function proof(keys: KeyPair, htm: string, htu: string, extra: { nonce?: string; accessToken?: string; jti?: string } = {}): Promise<string> {
  return new jose.SignJWT({
    htm,
    htu,
    jti: extra.jti ?? randomUUID(),
    ...(extra.nonce !== undefined && { nonce: extra.nonce }),
    ...(extra.accessToken !== undefined && { ath: createHash('sha256').update(extra.accessToken).digest('base64url') }),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await jose.exportJWK(keys.publicKey) })
    .setIssuedAt()
    .sign(keys.privateKey);
}

const ES256 = () => jose.generateKeyPair('ES256', { extractable: true }) as Promise<KeyPair>;

describe('DPoP (RFC 9449)', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let spa: RegisteredClient;
  let api: RegisteredClient;
  let keys: KeyPair;
  let session: { accessToken: string; refreshToken: string; sub: string; config: client.Configuration };
  before(async () => {
    server = await startTestServer();
    endpoints = await endpointsOf(server);
    spa = await createClient(server, { public: true });
    api = await createClient(server, { ...MACHINE_CLIENT, resource_server: true });
    keys = await ES256();
  });
  after(() => server.close());

  it('answers a proof without a nonce with use_dpop_nonce and a DPoP-Nonce header', async () => {
    const response = await postForm(endpoints.token, { grant_type: 'refresh_token', refresh_token: 'x' }, spa, { dpop: await proof(keys, 'POST', endpoints.token) });
    assert.equal(response.status, 400, response.text);
    assert.equal(response.body.error, 'use_dpop_nonce');
    assert.match(response.headers.get('dpop-nonce') ?? '', /^[\w-]{43}$/);
  });

  it('binds the access token of a public client to its key: token_type DPoP, introspection cnf.jkt', async () => {
    const config = await relyingParty(server, spa);
    const dpop = client.getDPoPHandle(config, keys);
    const request = await authorizationRequest(config, { scope: 'openid email offline_access', redirect_uri: spa.redirect_uris[0]! });
    const agent = new UserAgent();
    let page = await register(agent, await followToClient(agent, request.url), uniqueEmail('dpop'));
    if (isConsentPage(page)) page = await allow(agent, page);
    const tokens = await client.authorizationCodeGrant(config, callbackOf(page), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state }, undefined, { DPoP: dpop });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    assert.ok(tokens.refresh_token);
    session = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, sub: tokens.claims()!.sub, config };
    const seen = await introspect(endpoints, tokens.access_token, api);
    assert.equal(seen.active, true);
    assert.equal(seen.token_type, 'DPoP');
    assert.deepEqual(seen.cnf, { jkt: await jose.calculateJwkThumbprint(await jose.exportJWK(keys.publicKey)) });
    const info = await client.fetchUserInfo(config, tokens.access_token, session.sub, { DPoP: dpop });
    assert.equal(info.sub, session.sub);
  });

  it('refuses a stolen DPoP-bound access token at userinfo: as Bearer, and with a proof by another key', async () => {
    const bearer = await send(endpoints.userinfo, { headers: { authorization: `Bearer ${session.accessToken}` } });
    assert.equal(bearer.status, 401, bearer.text);
    const thief = await ES256();
    // The thief gets a nonce first, so the refusal is about the key, not the nonce.
    const challenge = await send(endpoints.userinfo, { headers: { authorization: `DPoP ${session.accessToken}`, dpop: await proof(thief, 'GET', endpoints.userinfo, { accessToken: session.accessToken }) } });
    const nonce = challenge.headers.get('dpop-nonce') ?? undefined;
    assert.ok(nonce, `no nonce challenge: ${challenge.status} ${challenge.headers.get('www-authenticate')}`);
    const stolen = await send(endpoints.userinfo, { headers: { authorization: `DPoP ${session.accessToken}`, dpop: await proof(thief, 'GET', endpoints.userinfo, { accessToken: session.accessToken, nonce }) } });
    assert.equal(stolen.status, 401, stolen.text);
    assert.match(stolen.headers.get('www-authenticate') ?? '', /invalid_token|invalid_dpop_proof/);
  });

  it('refuses a replayed proof: the same jti twice at userinfo', async () => {
    const first = await send(endpoints.userinfo, { headers: { authorization: `DPoP ${session.accessToken}`, dpop: await proof(keys, 'GET', endpoints.userinfo, { accessToken: session.accessToken }) } });
    const nonce = first.headers.get('dpop-nonce') ?? undefined;
    assert.ok(nonce);
    const replayed = await proof(keys, 'GET', endpoints.userinfo, { accessToken: session.accessToken, nonce });
    const once = await send(endpoints.userinfo, { headers: { authorization: `DPoP ${session.accessToken}`, dpop: replayed } });
    assert.equal(once.status, 200, once.text);
    const twice = await send(endpoints.userinfo, { headers: { authorization: `DPoP ${session.accessToken}`, dpop: replayed } });
    // The same request a moment earlier passed: only the jti seen before differs. (The library
    // words every userinfo refusal "invalid token provided".)
    assert.equal(twice.status, 401, twice.text);
    assert.match(twice.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('binds a public client refresh token: refused without the key and with another key, rotated with it', async () => {
    const config = session.config;
    await assert.rejects(client.refreshTokenGrant(config, session.refreshToken), (error: client.ResponseBodyError) => error.error === 'invalid_grant' || error.error === 'invalid_dpop_proof');
    const other = client.getDPoPHandle(config, await ES256());
    await assert.rejects(client.refreshTokenGrant(config, session.refreshToken, undefined, { DPoP: other }), (error: client.ResponseBodyError) => error.error === 'invalid_grant');
    const refreshed = await client.refreshTokenGrant(config, session.refreshToken, undefined, { DPoP: client.getDPoPHandle(config, keys) });
    assert.equal(refreshed.token_type.toLowerCase(), 'dpop');
    const seen = await introspect(endpoints, refreshed.access_token, api);
    assert.deepEqual(seen.cnf, { jkt: await jose.calculateJwkThumbprint(await jose.exportJWK(keys.publicKey)) });
  });

  it('refuses a token without a proof to a client registered with dpop_bound_access_tokens, and binds one with', async () => {
    const bound = await createClient(server, { ...MACHINE_CLIENT, dpop_bound_access_tokens: true });
    assert.equal((await server.admin('GET', `/admin/clients/${bound.client_id}`)).body.dpop_bound_access_tokens, true);
    const refused = await postForm(endpoints.token, { grant_type: 'client_credentials' }, bound);
    assert.equal(refused.status, 400, refused.text);
    // The library's wording is generic ("grant request is invalid"); the same request with a
    // proof, below, succeeds.
    assert.equal(refused.body.error, 'invalid_grant');
    const config = await relyingParty(server, bound);
    const tokens = await client.clientCredentialsGrant(config, undefined, { DPoP: client.getDPoPHandle(config, keys) });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
  });
});

/**
 * The single-use rules of PAR, DPoP and private_key_jwt on the production store: the provider's
 * replay store and pushed requests live in Redis there (stores/redis), not in PostgreSQL as in
 * the other protocol tests. A request_uri's consume is a durable write (redis.adapter.ts).
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import * as client from 'openid-client';
import { startRedisServer, type RedisServer } from '@portcullis/server/testing/redis-server.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import { allow, callbackOf, createClient, endpointsOf, followToClient, isConsentPage, MACHINE_CLIENT, postForm, register, relyingParty, send, uniqueEmail, REDIRECT_URI, type Endpoints } from './support/oidc-harness.js';

type KeyPair = { privateKey: CryptoKey; publicKey: CryptoKey };

describe('single use on Redis: pushed requests, DPoP proofs, client assertions', () => {
  let redis: RedisServer;
  let server: TestServer;
  let endpoints: Endpoints;
  let keys: KeyPair;
  before(async () => {
    redis = await startRedisServer();
    server = await startTestServer({}, { redisUrl: redis.url });
    endpoints = await endpointsOf(server);
    keys = await jose.generateKeyPair('ES256', { extractable: true });
  });
  after(async () => {
    await server.close();
    await redis.close();
  });

  it('refuses a request_uri used a second time', async () => {
    const web = await createClient(server);
    const config = await relyingParty(server, web);
    const verifier = client.randomPKCECodeVerifier();
    const url = await client.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const agent = new UserAgent();
    let page = await register(agent, await followToClient(agent, url.href), uniqueEmail('par-redis'));
    if (isConsentPage(page)) page = await allow(agent, page);
    assert.ok(callbackOf(page).searchParams.get('code'));
    assert.equal(callbackOf(await followToClient(agent, url.href)).searchParams.get('error'), 'invalid_request_uri');
  });

  it('refuses a DPoP proof replayed at the token endpoint', async () => {
    const machine = await createClient(server, MACHINE_CLIENT);
    const jwk = await jose.exportJWK(keys.publicKey);
    const proof = (claims: Record<string, unknown>) =>
      new jose.SignJWT({ htm: 'POST', htu: endpoints.token, jti: randomUUID(), ...claims }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().sign(keys.privateKey);
    const challenge = await postForm(endpoints.token, { grant_type: 'client_credentials' }, machine, { dpop: await proof({}) });
    const nonce = challenge.headers.get('dpop-nonce');
    assert.ok(nonce, challenge.text);
    const once = await proof({ nonce, jti: randomUUID() });
    const first = await postForm(endpoints.token, { grant_type: 'client_credentials' }, machine, { dpop: once });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.token_type, 'DPoP');
    const again = await postForm(endpoints.token, { grant_type: 'client_credentials' }, machine, { dpop: once });
    assert.equal(again.status, 400, again.text);
    assert.equal(again.body.error, 'invalid_grant');
  });

  it('refuses a client assertion replayed', async () => {
    const created = await server.admin('POST', '/admin/clients', { ...MACHINE_CLIENT, client_name: 'Signed', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...(await jose.exportJWK(keys.publicKey)), kid: 'k' }] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.client_id as string;
    const assertion = await new jose.SignJWT({ jti: createHash('sha256').update(randomUUID()).digest('hex') }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setIssuer(id).setSubject(id).setAudience(server.issuer).setIssuedAt().setExpirationTime('1m').sign(keys.privateKey);
    const post = () =>
      send(endpoints.token, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString(),
      });
    assert.equal((await post()).status, 200);
    const again = await post();
    assert.equal(again.status, 401, again.text);
    assert.equal(again.body.error, 'invalid_client');
  });
});

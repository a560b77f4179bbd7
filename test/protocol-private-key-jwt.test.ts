/**
 * private_key_jwt client authentication (RFC 7523 §2.2, OpenID Connect Core §9; oidc/client-auth.ts),
 * end to end with openid-client and jose:
 * - a client registered with inline `jwks` authenticates with assertions signed by any of its keys
 *   (RS256, ES256) and gets no secret;
 * - refused: a key it did not register, an expired assertion, one valid for more than five
 *   minutes, a wrong audience, a replayed jti;
 * - a `jwks_uri` names a host: a literal address is refused at registration (contract
 *   client-keys.ts); it is fetched only from a public address (oidc/jwks-fetch-guard.ts): a name
 *   that resolves to loopback is refused without a connection (every range: the guard's tests);
 * - a jwks_uri's happy path: the server is built with the test-only `unsafeTestOnlyJwksOrigin`,
 *   which serves https://keys.rp.test from a local plain-http listener (no certificate, no public
 *   host) and sets the address guard aside for that origin alone; the fetch, the cache, the
 *   refusal of redirects and the size bound are the production ones.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { endpointsOf, MACHINE_CLIENT, send, type Endpoints } from './support/oidc-harness.js';

type KeyPair = { privateKey: CryptoKey; publicKey: CryptoKey };
const pair = (alg: string) => jose.generateKeyPair(alg, { extractable: true }) as Promise<KeyPair>;
const publicJwk = async (keys: KeyPair, kid: string, alg: string) => ({ ...(await jose.exportJWK(keys.publicKey)), kid, alg, use: 'sig' });

describe('private_key_jwt (RFC 7523)', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let rsa: KeyPair;
  let ec: KeyPair;
  let clientId: string;
  let keyServer: Server;
  /** What the key server answers per path, and the paths it was asked for. */
  const served = new Map<string, { status: number; headers?: Record<string, string>; body?: string }>();
  const asked: string[] = [];
  before(async () => {
    keyServer = createServer((request, response) => {
      asked.push(request.url ?? '');
      const answer = served.get(request.url ?? '') ?? { status: 404 };
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(keyServer.address() as net.AddressInfo).port}`;
    server = await startTestServer({}, { unsafeTestOnlyJwksOrigin: { origin: 'https://keys.rp.test', target } });
    endpoints = await endpointsOf(server);
    [rsa, ec] = await Promise.all([pair('RS256'), pair('ES256')]);
    const created = await server.admin('POST', '/admin/clients', {
      ...MACHINE_CLIENT,
      client_name: 'Signed service',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [await publicJwk(rsa, 'rsa-1', 'RS256'), await publicJwk(ec, 'ec-1', 'ES256')] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.client_secret, undefined, 'a private_key_jwt client has no secret');
    clientId = created.body.client_id as string;
  });
  after(async () => {
    await server.close();
    keyServer.close();
  });

  const relyingParty = (key: CryptoKey, kid: string, id = clientId) =>
    client.discovery(new URL(server.issuer), id, undefined, client.PrivateKeyJwt({ key, kid }), { execute: [client.allowInsecureRequests] });

  /** A client assertion made by hand, for what openid-client would never send. */
  async function assertion(keys: KeyPair, claims: { aud?: string; exp?: number; jti?: string } = {}, alg = 'ES256', kid = 'ec-1'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new jose.SignJWT({ jti: claims.jti ?? randomUUID() })
      .setProtectedHeader({ alg, kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(claims.aud ?? server.issuer)
      .setIssuedAt(now)
      .setExpirationTime(claims.exp ?? now + 60)
      .sign(keys.privateKey);
  }
  const tokenWith = (clientAssertion: string, id = clientId) =>
    send(endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion }).toString(),
    });

  it('authenticates with an assertion signed by any registered key (RS256, ES256)', async () => {
    for (const [keys, kid] of [[rsa, 'rsa-1'], [ec, 'ec-1']] as const) {
      const tokens = await client.clientCredentialsGrant(await relyingParty(keys.privateKey, kid));
      assert.ok(tokens.access_token, kid);
    }
  });

  it('refuses an assertion signed with a key the client did not register', async () => {
    const stranger = await pair('ES256');
    await assert.rejects(client.clientCredentialsGrant(await relyingParty(stranger.privateKey, 'ec-1')), (error: client.ResponseBodyError) => error.status === 401 && error.error === 'invalid_client');
  });

  it('refuses an expired assertion, one valid for more than five minutes, and one for another audience', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [label, claims] of [
      ['expired', { exp: now - 60 }],
      ['too long-lived', { exp: now + 3600 }],
      ['another audience', { aud: 'https://other.example/token' }],
    ] as const) {
      const response = await tokenWith(await assertion(ec, claims));
      assert.equal(response.status, 401, `${label}: ${response.text}`);
      assert.equal(response.body.error, 'invalid_client', label);
    }
    assert.equal((await tokenWith(await assertion(ec, { aud: endpoints.token }))).status, 200, 'the token endpoint is an accepted audience');
  });

  it('refuses a replayed assertion: the same jti a second time', async () => {
    const once = await assertion(ec);
    assert.equal((await tokenWith(once)).status, 200);
    const again = await tokenWith(once);
    assert.equal(again.status, 401, again.text);
    assert.equal(again.body.error, 'invalid_client');
  });

  it('authenticates against a jwks_uri key set, fetched once and kept while fresh', async () => {
    served.set('/jwks.json', { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=86400' }, body: JSON.stringify({ keys: [await publicJwk(ec, 'uri-1', 'ES256')] }) });
    const created = await server.admin('POST', '/admin/clients', { ...MACHINE_CLIENT, client_name: 'Keys by URL', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://keys.rp.test/jwks.json' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.client_id as string;
    for (let i = 0; i < 2; i++) assert.ok((await client.clientCredentialsGrant(await relyingParty(ec.privateKey, 'uri-1', id))).access_token);
    assert.deepEqual(asked.filter((p) => p === '/jwks.json'), ['/jwks.json'], 'fetched once, then cached');
    await assert.rejects(client.clientCredentialsGrant(await relyingParty(rsa.privateKey, 'rsa-1', id)), (error: client.ResponseBodyError) => error.error === 'invalid_client', 'a key of the inline client is not in this set');
  });

  it('refuses a jwks_uri that redirects, or whose key set is over 32 KiB', async () => {
    served.set('/moved', { status: 302, headers: { location: '/jwks.json' } });
    const big = JSON.stringify({ keys: [{ ...(await publicJwk(ec, 'big', 'ES256')), pad: 'x'.repeat(33 * 1024) }] });
    served.set('/big.json', { status: 200, headers: { 'content-type': 'application/json' }, body: big });
    for (const path of ['/moved', '/big.json']) {
      const created = await server.admin('POST', '/admin/clients', { ...MACHINE_CLIENT, client_name: 'Bad keys by URL', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `https://keys.rp.test${path}` });
      const id = created.body.client_id as string;
      asked.length = 0;
      await assert.rejects(client.clientCredentialsGrant(await relyingParty(ec.privateKey, 'big', id)), (error: client.ResponseBodyError) => error.error === 'invalid_client', path);
      assert.deepEqual(asked, [path], `${path}: asked once, and the redirect not followed`);
    }
  });

  it('refuses a jwks_uri at a literal address when registered, and at a name resolving to an inward one when fetched, without connecting', async () => {
    for (const uri of ['https://127.0.0.1/jwks', 'https://169.254.169.254/latest/meta-data', 'https://2852039166/jwks', 'https://10.0.0.1/jwks', 'https://[::1]/jwks', 'https://[::127.0.0.1]/jwks']) {
      const refused = await server.admin('POST', '/admin/clients', { ...MACHINE_CLIENT, client_name: 'Inward', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: uri });
      assert.equal(refused.status, 400, uri);
      assert.match(String(refused.body.message), /not an IP address/, uri);
    }
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    try {
      for (const uri of [`https://localhost:${port}/jwks`, 'https://localhost/jwks']) {
        const created = await server.admin('POST', '/admin/clients', { ...MACHINE_CLIENT, client_name: 'Inward', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: uri });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const id = created.body.client_id as string;
        const started = Date.now();
        const signed = await new jose.SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'ES256' }).setIssuer(id).setSubject(id).setAudience(server.issuer).setIssuedAt().setExpirationTime('1m').sign(ec.privateKey);
        const response = await tokenWith(signed, id);
        assert.ok(response.status === 400 || response.status === 401, `${uri}: ${response.status} ${response.text}`);
        assert.match(response.body.error, /^invalid_client/, uri);
        assert.ok(Date.now() - started < 2000, `${uri}: refused before any connection attempt (no 2.5 s timeout)`);
      }
      assert.equal(connections, 0, 'the loopback listener was never reached');
    } finally {
      listener.close();
    }
  });

  it('drops the secret at once when a client switches to private_key_jwt, and the keys when it switches back', async () => {
    const created = await server.admin('POST', '/admin/clients', { ...MACHINE_CLIENT, client_name: 'Switching' });
    const { client_id: id, client_secret: secret } = created.body as { client_id: string; client_secret: string };
    const withSecret = () => client.discovery(new URL(server.issuer), id, secret, undefined, { execute: [client.allowInsecureRequests] });
    assert.ok((await client.clientCredentialsGrant(await withSecret())).access_token);
    const switched = await server.admin('PATCH', `/admin/clients/${id}`, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [await publicJwk(ec, 'ec-1', 'ES256')] } });
    assert.equal(switched.status, 200, JSON.stringify(switched.body));
    assert.equal(switched.body.client_secret, undefined);
    await assert.rejects(client.clientCredentialsGrant(await withSecret()), (error: client.ResponseBodyError) => error.error === 'invalid_client');
    assert.ok((await client.clientCredentialsGrant(await relyingParty(ec.privateKey, 'ec-1', id))).access_token);
    const rotate = await server.admin('POST', `/admin/clients/${id}/rotate-secret`);
    assert.equal(rotate.status, 400);
    assert.match(rotate.body.message, /private_key_jwt client signs with its own key/);
    const back = await server.admin('PATCH', `/admin/clients/${id}`, { token_endpoint_auth_method: 'client_secret_basic' });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.ok(back.body.client_secret, 'a new secret, shown once');
    assert.equal(back.body.jwks, null);
    await assert.rejects(client.clientCredentialsGrant(await relyingParty(ec.privateKey, 'ec-1', id)), (error: client.ResponseBodyError) => error.error === 'invalid_client');
  });

  it('registers keys only for private_key_jwt, one source, public keys only, https jwks_uri', async () => {
    const key = await publicJwk(ec, 'k', 'ES256');
    const privateJwk = { ...(await jose.exportJWK(ec.privateKey)), kid: 'p' };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['no keys', { token_endpoint_auth_method: 'private_key_jwt' }, /needs the client's public keys/],
      ['keys without the method', { jwks: { keys: [key] } }, /only for the auth method "private_key_jwt"/],
      ['both sources', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key] }, jwks_uri: 'https://rp.example/jwks' }, /not both/],
      ['a private key', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [privateJwk] } }, /private key material/],
      ['a symmetric key', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, /not a public-key type/],
      ['an http jwks_uri', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://rp.example/jwks' }, /must be an https:\/\/ URL/],
      ['an Ed25519 key', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [await publicJwk(await pair('EdDSA'), 'ed', 'EdDSA')] } }, /OKP \(Ed25519\) keys cannot authenticate/],
      ['a 1024-bit RSA key', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 'weak' }] } }, /RSA key of 1024 bits is too weak/],
    ];
    for (const [label, body, message] of cases) {
      const response = await server.admin('POST', '/admin/clients', { ...MACHINE_CLIENT, client_name: 'Bad keys', ...body });
      assert.equal(response.status, 400, label);
      assert.match(String(response.body.message), message, label);
    }
  });
});

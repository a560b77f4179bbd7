/**
 * Dynamic client registration (RFC 7591) and its management (RFC 7592) with openid-client's
 * `dynamicClientRegistration`: initial access tokens (valid, expired, used up, revoked), the open
 * mode for native clients, the registration policy, the registration access token, and a sign-in
 * with a client that registered itself.
 * - What is stored is the admin's fields only: other metadata, and the logo and links a stranger
 *   would show on the consent page, are dropped; a name with control or bidi characters is refused.
 * - private_key_jwt with inline keys, with a token only; no anonymous device clients.
 * - A name is optional; the consent page marks a registered client as not verified.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { REDIRECT_URI, signUpAndRedeem, type RegisteredClient } from './support/oidc-harness.js';
import { openConsent } from './support/pages.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const insecure = { execute: [client.allowInsecureRequests] };
const LOOPBACK_REDIRECT = 'http://127.0.0.1:8765/callback';

/** Registers through openid-client; the registered metadata, or the OAuth error it was refused with. */
async function registerClient(server: TestServer, metadata: Partial<client.ClientMetadata>, initialAccessToken?: string): Promise<{ metadata?: client.ClientMetadata; error?: string; status?: number }> {
  try {
    const config = await client.dynamicClientRegistration(new URL(server.issuer), { client_name: 'Registered app', ...metadata }, undefined, { ...insecure, ...(initialAccessToken && { initialAccessToken }) });
    return { metadata: config.clientMetadata() };
  } catch (error) {
    const failure = error as { error?: string; status?: number; cause?: { status?: number } };
    return { error: failure.error, status: failure.status ?? failure.cause?.status };
  }
}

/** The metadata stored for a client, as the provider will load it. */
async function storedMetadata(server: TestServer, clientId: string): Promise<Record<string, unknown>> {
  const row = await server.app.db.primary.selectFrom('clients').select('metadata').where('client_id', '=', clientId).executeTakeFirstOrThrow();
  return (typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata) as Record<string, unknown>;
}

async function createToken(server: TestServer, body: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const created = await server.admin('POST', '/admin/registration-tokens', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body as { id: string; token: string };
}

const manage = (url: string, token: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined && { 'content-type': 'application/json' }), ...(init.headers as Record<string, string>) } });

const asRegistered = (metadata: client.ClientMetadata): RegisteredClient => ({
  client_id: metadata.client_id,
  ...(typeof metadata.client_secret === 'string' && { client_secret: metadata.client_secret }),
  redirect_uris: metadata.redirect_uris as string[],
  post_logout_redirect_uris: [],
  token_endpoint_auth_method: metadata.token_endpoint_auth_method as string,
});

describe('dynamic client registration with an initial access token (RFC 7591)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ DYNAMIC_REGISTRATION: 'token' });
  });
  after(() => server.close());

  it('advertises the registration endpoint in both metadata documents', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const metadata = (await (await fetch(`${server.issuer}${path}`)).json()) as Record<string, unknown>;
      assert.equal(metadata.registration_endpoint, `${server.issuer}/reg`, path);
    }
  });

  it('registers a confidential web client with a valid token, stored as dynamically registered and third-party', async () => {
    const { token, id } = await createToken(server);
    const registered = await registerClient(server, { redirect_uris: [REDIRECT_URI] }, token);
    assert.ok(registered.metadata, `refused: ${registered.error}`);
    const metadata = registered.metadata;
    assert.equal(typeof metadata.client_secret, 'string');
    assert.equal(typeof metadata.registration_access_token, 'string');
    assert.deepEqual(metadata.grant_types, ['authorization_code', 'refresh_token']);
    assert.equal(metadata.first_party, false);
    const listed = await server.admin('GET', '/admin/clients');
    const stored = (listed.body.clients as { client_id: string; dynamic_registration: string | null; first_party: boolean }[]).find((c) => c.client_id === metadata.client_id);
    assert.equal(stored?.dynamic_registration, 'token');
    assert.equal(stored?.first_party, false);
    const tokens = (await server.admin('GET', '/admin/registration-tokens')).body.tokens as { id: string; uses: number; token?: string }[];
    const view = tokens.find((t) => t.id === id);
    assert.equal(view?.uses, 1);
    assert.equal(view?.token, undefined, 'the token is shown once, at creation');
    const events = (await server.admin('GET', '/admin/audit?limit=1000')).body.events as { type: string; client_id: string | null; detail: Record<string, unknown> }[];
    assert.ok(events.some((e) => e.type === 'client.registered' && e.client_id === metadata.client_id && e.detail.token_id === id && e.detail.via === 'token'));
    assert.ok(events.some((e) => e.type === 'registration_token.created' && e.detail.id === id));
  });

  it('refuses a registration without a token, or with an unknown one', async () => {
    const without = await fetch(`${server.issuer}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'x', redirect_uris: [REDIRECT_URI] }) });
    assert.equal(without.status, 401);
    assert.equal(((await without.json()) as { error: string }).error, 'invalid_token');
    const unknown = await registerClient(server, { redirect_uris: [REDIRECT_URI] }, 'not-a-token');
    assert.equal(unknown.metadata, undefined);
    assert.equal(unknown.status, 401);
  });

  it('refuses an expired token', async () => {
    const { token, id } = await createToken(server, { expires_in: 60 });
    // Expire it in the database: the server's clock is real.
    await server.app.db.primary.updateTable('registration_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', id).execute();
    const refused = await registerClient(server, { redirect_uris: [REDIRECT_URI] }, token);
    assert.equal(refused.status, 401);
    const view = ((await server.admin('GET', '/admin/registration-tokens')).body.tokens as { id: string; state: string }[]).find((t) => t.id === id);
    assert.equal(view?.state, 'expired');
  });

  it('lets a token with max uses register that many clients, even when asked at once', async () => {
    const { token, id } = await createToken(server, { max_uses: 2 });
    const results = await Promise.all(Array.from({ length: 5 }, () => registerClient(server, { redirect_uris: [REDIRECT_URI] }, token)));
    assert.equal(results.filter((r) => r.metadata).length, 2);
    assert.ok(results.filter((r) => !r.metadata).every((r) => r.status === 401));
    const view = ((await server.admin('GET', '/admin/registration-tokens')).body.tokens as { id: string; state: string; uses: number }[]).find((t) => t.id === id);
    assert.equal(view?.uses, 2);
    assert.equal(view?.state, 'used_up');
  });

  it('gives a use back when the metadata is refused', async () => {
    const { token, id } = await createToken(server, { max_uses: 1 });
    const refused = await registerClient(server, { redirect_uris: ['http://app.example.test/callback'] }, token);
    assert.equal(refused.error, 'invalid_redirect_uri');
    const view = ((await server.admin('GET', '/admin/registration-tokens')).body.tokens as { id: string; uses: number }[]).find((t) => t.id === id);
    assert.equal(view?.uses, 0);
    assert.ok((await registerClient(server, { redirect_uris: [REDIRECT_URI] }, token)).metadata);
  });

  it('refuses a revoked token', async () => {
    const { token, id } = await createToken(server);
    assert.equal((await server.admin('DELETE', `/admin/registration-tokens/${id}`)).status, 204);
    assert.equal((await server.admin('DELETE', `/admin/registration-tokens/${id}`)).status, 404);
    const refused = await registerClient(server, { redirect_uris: [REDIRECT_URI] }, token);
    assert.equal(refused.status, 401);
  });

  it('refuses metadata the policy does not allow', async () => {
    const { token } = await createToken(server);
    const cases: [Record<string, unknown>, string][] = [
      [{ redirect_uris: ['http://app.example.test/callback'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://app.example.test/cb#fragment'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://*.example.test/cb'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: [] }, 'invalid_redirect_uri'],
      [{ redirect_uris: [REDIRECT_URI], first_party: true }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], resource_server: true }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'client_credentials'] }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], grant_types: ['implicit'] }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], jwks_uri: 'https://app.example.test/jwks' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], backchannel_logout_uri: 'https://app.example.test/logout' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], scope: 'openid admin:everything' }, 'invalid_client_metadata'],
      [{ redirect_uris: ['com.example.app:/cb'], token_endpoint_auth_method: 'client_secret_basic' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], client_name: '' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], client_name: 'Notes\u202Eexe.txt' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], client_name: 'Two\nlines' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] } }, 'invalid_client_metadata'],
    ];
    for (const [metadata, error] of cases) {
      const refused = await registerClient(server, metadata as Partial<client.ClientMetadata>, token);
      assert.equal(refused.error, error, JSON.stringify(metadata));
    }
    // None of them used the token up or left a client behind.
    const clients = (await server.admin('GET', '/admin/clients')).body.clients as { redirect_uris: string[] }[];
    assert.ok(!clients.some((c) => c.redirect_uris.some((uri) => uri.includes('#') || uri.includes('*') || uri.startsWith('http://app'))));
  });

  it('stores only the admin fields: other metadata, the logo and the links are dropped', async () => {
    const { token } = await createToken(server);
    const sent = {
      redirect_uris: [REDIRECT_URI],
      contacts: ['ops@app.example.test'],
      initiate_login_uri: 'https://app.example.test/login',
      default_max_age: 1,
      require_auth_time: true,
      logo_uri: 'https://tracker.example.test/pixel.png',
      client_uri: 'https://app.example.test/',
      policy_uri: 'https://app.example.test/privacy',
      tos_uri: 'https://app.example.test/terms',
    };
    const { metadata, error } = await registerClient(server, sent, token);
    assert.ok(metadata, `refused: ${error}`);
    const stored = await storedMetadata(server, metadata.client_id);
    for (const field of ['contacts', 'initiate_login_uri', 'default_max_age', 'logo_uri', 'client_uri', 'policy_uri', 'tos_uri']) {
      assert.equal(stored[field], undefined, `${field} stored`);
      assert.equal(metadata[field], undefined, `${field} answered as registered`);
    }
    assert.notEqual(stored.require_auth_time, true);
    assert.equal(stored.client_name, 'Registered app');
    assert.deepEqual(stored.redirect_uris, [REDIRECT_URI]);
  });

  it('registers a private_key_jwt client with inline keys, which authenticates at device authorization', async () => {
    const { token } = await createToken(server);
    const keys = (await jose.generateKeyPair('ES256', { extractable: true }));
    const jwk = { ...(await jose.exportJWK(keys.publicKey)), kid: 'k1', use: 'sig' };
    const { metadata, error } = await registerClient(server, { grant_types: [DEVICE_GRANT], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } }, token);
    assert.ok(metadata, `refused: ${error}`);
    assert.equal(metadata.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(metadata.client_secret, undefined);
    assert.deepEqual(((await storedMetadata(server, metadata.client_id)).jwks as { keys: { kid: string }[] }).keys.map((k) => k.kid), ['k1']);
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new jose.SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(metadata.client_id).setSubject(metadata.client_id).setAudience(server.issuer).setIssuedAt(now).setExpirationTime(now + 60).sign(keys.privateKey);
    const answer = await fetch(`${server.issuer}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: metadata.client_id, scope: 'openid', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString(),
    });
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(typeof ((await answer.json()) as { user_code?: string }).user_code, 'string');
  });

  it('reads, updates and deletes a registration with its registration access token (RFC 7592)', async () => {
    const { token } = await createToken(server);
    const { metadata } = await registerClient(server, { redirect_uris: [REDIRECT_URI] }, token);
    assert.ok(metadata);
    const uri = metadata.registration_client_uri as string;
    const rat = metadata.registration_access_token as string;

    assert.equal((await manage(uri, 'wrong-token')).status, 401);
    const read = await manage(uri, rat);
    assert.equal(read.status, 200);
    assert.equal(((await read.json()) as { client_id: string }).client_id, metadata.client_id);

    // An update is checked by the same policy, and a refused one changes nothing.
    const refused = await manage(uri, rat, { method: 'PUT', body: JSON.stringify({ client_id: metadata.client_id, client_name: 'Renamed', redirect_uris: ['http://app.example.test/cb'] }) });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid_redirect_uri');
    const firstParty = await manage(uri, rat, { method: 'PUT', body: JSON.stringify({ client_id: metadata.client_id, client_name: 'Renamed', redirect_uris: [REDIRECT_URI], first_party: true }) });
    assert.equal(firstParty.status, 400);

    const updated = await manage(uri, rat, { method: 'PUT', body: JSON.stringify({ client_id: metadata.client_id, client_name: 'Renamed', redirect_uris: [REDIRECT_URI, 'https://app.example.test/other'] }) });
    assert.equal(updated.status, 200);
    const body = (await updated.json()) as { client_name: string; registration_access_token: string; dynamic_registration: string };
    assert.equal(body.client_name, 'Renamed');
    assert.equal(body.dynamic_registration, 'token');
    // The token rotates on update: the old one stops working.
    assert.notEqual(body.registration_access_token, rat);
    assert.equal((await manage(uri, rat)).status, 401);
    const shown = (await server.admin('GET', `/admin/clients/${metadata.client_id}`)).body as { client_name: string; redirect_uris: string[] };
    assert.equal(shown.client_name, 'Renamed');
    assert.equal(shown.redirect_uris.length, 2);

    // Another client's token cannot touch this one.
    const other = await registerClient(server, { redirect_uris: [REDIRECT_URI] }, token);
    assert.equal((await manage(uri, other.metadata!.registration_access_token as string, { method: 'DELETE' })).status, 401);

    assert.equal((await manage(uri, body.registration_access_token, { method: 'DELETE' })).status, 204);
    assert.equal((await server.admin('GET', `/admin/clients/${metadata.client_id}`)).status, 404);
  });

  it('cannot manage a client the admin API made', async () => {
    const made = await server.admin('POST', '/admin/clients', { client_name: 'Admin app', redirect_uris: [REDIRECT_URI] });
    const { token } = await createToken(server);
    const { metadata } = await registerClient(server, { redirect_uris: [REDIRECT_URI] }, token);
    const rat = metadata!.registration_access_token as string;
    assert.equal((await manage(`${server.issuer}/reg/${made.body.client_id as string}`, rat)).status, 401);
    assert.equal((await server.admin('GET', `/admin/clients/${made.body.client_id as string}`)).status, 200);
  });

  it('signs a person in with authorization code + PKCE through a registered client, asking for consent', async () => {
    const { token } = await createToken(server);
    const { metadata } = await registerClient(server, { redirect_uris: [REDIRECT_URI] }, token);
    const session = await signUpAndRedeem(server, asRegistered(metadata!));
    assert.equal(typeof session.tokens.access_token, 'string');
    assert.equal(typeof session.tokens.refresh_token, 'string');
    assert.ok(session.tokens.claims()?.sub);
  });
});

describe('open registration for native clients (DYNAMIC_REGISTRATION=open-native)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ DYNAMIC_REGISTRATION: 'open-native' });
  });
  after(() => server.close());

  it('registers a public loopback client without a token, as a native app', async () => {
    const { metadata, error } = await registerClient(server, { redirect_uris: [LOOPBACK_REDIRECT] });
    assert.ok(metadata, `refused: ${error}`);
    assert.equal(metadata.token_endpoint_auth_method, 'none');
    assert.equal(metadata.application_type, 'native');
    assert.equal(metadata.client_secret, undefined);
    const stored = (await server.admin('GET', `/admin/clients/${metadata.client_id}`)).body as { dynamic_registration: string; first_party: boolean };
    assert.equal(stored.dynamic_registration, 'open-native');
    assert.equal(stored.first_party, false);
  });

  it('registers a private-use scheme client', async () => {
    const { metadata, error } = await registerClient(server, { redirect_uris: ['com.example.app:/callback'] });
    assert.ok(metadata, `refused: ${error}`);
  });

  it('refuses an https web redirect, a confidential client and first-party without a token', async () => {
    assert.equal((await registerClient(server, { redirect_uris: [REDIRECT_URI] })).error, 'invalid_redirect_uri');
    assert.equal((await registerClient(server, { redirect_uris: [LOOPBACK_REDIRECT], token_endpoint_auth_method: 'client_secret_basic' })).error, 'invalid_client_metadata');
    assert.equal((await registerClient(server, { redirect_uris: [LOOPBACK_REDIRECT], first_party: true })).error, 'invalid_client_metadata');
    assert.equal((await registerClient(server, { redirect_uris: [LOOPBACK_REDIRECT], post_logout_redirect_uris: ['https://app.example.test/out'] })).error, 'invalid_redirect_uri');
  });

  it('refuses a device client, a client without a redirect URI and any grant beyond the code flow without a token', async () => {
    const phishing = await fetch(`${server.issuer}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Microsoft Teams', grant_types: [DEVICE_GRANT], scope: 'openid email offline_access' }) });
    assert.equal(phishing.status, 400);
    const refusal = (await phishing.json()) as { error: string; error_description: string };
    assert.equal(refusal.error, 'invalid_client_metadata');
    assert.match(refusal.error_description, /device code grant needs an initial access token/);
    assert.equal((await registerClient(server, { grant_types: [DEVICE_GRANT], redirect_uris: [LOOPBACK_REDIRECT] })).error, 'invalid_client_metadata');
    assert.equal((await registerClient(server, { grant_types: ['authorization_code', DEVICE_GRANT], redirect_uris: [LOOPBACK_REDIRECT] })).error, 'invalid_client_metadata');
    assert.equal((await registerClient(server, {})).error, 'invalid_redirect_uri');
    assert.equal((await registerClient(server, { redirect_uris: [] })).error, 'invalid_redirect_uri');
    const clients = (await server.admin('GET', '/admin/clients')).body.clients as { client_name: string; grant_types: string[] }[];
    assert.ok(!clients.some((c) => c.grant_types.includes(DEVICE_GRANT)), 'no device client was stored');
    // With a token, the device grant is the operator's decision.
    const { token } = await createToken(server);
    const withToken = await registerClient(server, { grant_types: [DEVICE_GRANT] }, token);
    assert.ok(withToken.metadata, `refused: ${withToken.error}`);
  });

  it('registers without a name; the consent page calls it unnamed and not verified, and shows no logo', async () => {
    const response = await fetch(`${server.issuer}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [LOOPBACK_REDIRECT], logo_uri: 'https://tracker.example.test/pixel.png' }) });
    assert.equal(response.status, 201, await response.clone().text());
    const registered = (await response.json()) as { client_id: string; client_name?: string; logo_uri?: string };
    assert.equal(registered.client_name, undefined);
    assert.equal(registered.logo_uri, undefined);
    const { consent } = await openConsent(server, { client_id: registered.client_id, redirect_uri: LOOPBACK_REDIRECT });
    assert.match(consent.body, /<span class="client-name">Unnamed application<\/span>/);
    assert.match(consent.body, /class="notice unverified-client">This application registered itself/);
    assert.ok(!consent.body.includes('tracker.example.test'));
    assert.ok(!/img-src[^;]*tracker/.test(consent.headers.get('content-security-policy') ?? ''));
  });

  it('never shows a logo or links on the consent page of a registered client, even ones an admin set', async () => {
    const { metadata } = await registerClient(server, { client_name: 'Linked app', redirect_uris: [LOOPBACK_REDIRECT] });
    const patched = await server.admin('PATCH', `/admin/clients/${metadata!.client_id}`, { logo_uri: 'https://tracker.example.test/pixel.png', client_uri: 'https://app.example.test/' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const { consent } = await openConsent(server, { client_id: metadata!.client_id, redirect_uri: LOOPBACK_REDIRECT });
    assert.match(consent.body, /<span class="client-name">Linked app<\/span>/);
    assert.ok(!consent.body.includes('tracker.example.test') && !consent.body.includes('app.example.test'), 'no logo or link');
    assert.ok(!(consent.headers.get('content-security-policy') ?? '').includes('tracker.example.test'));
  });

  it('still takes an initial access token, with the token policy', async () => {
    const { token } = await createToken(server);
    assert.ok((await registerClient(server, { redirect_uris: [REDIRECT_URI] }, token)).metadata);
    assert.equal((await registerClient(server, { redirect_uris: [REDIRECT_URI] }, 'wrong')).status, 401);
  });

  it('keeps an open registration native on update', async () => {
    const { metadata } = await registerClient(server, { redirect_uris: [LOOPBACK_REDIRECT] });
    const uri = metadata!.registration_client_uri as string;
    const refused = await manage(uri, metadata!.registration_access_token as string, { method: 'PUT', body: JSON.stringify({ client_id: metadata!.client_id, client_name: 'x', redirect_uris: [REDIRECT_URI] }) });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid_redirect_uri');
  });

  it('signs a person in through a self-registered native client (any loopback port, PKCE)', async () => {
    const { metadata } = await registerClient(server, { redirect_uris: [LOOPBACK_REDIRECT] });
    const session = await signUpAndRedeem(server, asRegistered(metadata!));
    assert.equal(typeof session.tokens.access_token, 'string');
  });

  it('limits registrations per address', async () => {
    const limited = await startTestServer({ DYNAMIC_REGISTRATION: 'open-native', RATE_LIMIT_EXEMPT: '', RATE_LIMIT_REGISTRATION_ADDRESS: '2/1h' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${limited.issuer}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'x', redirect_uris: [LOOPBACK_REDIRECT] }) });
        statuses.push(response.status);
        if (response.status === 429) assert.ok(Number(response.headers.get('retry-after')) > 0);
      }
      assert.deepEqual(statuses, [201, 201, 429]);
    } finally {
      await limited.close();
    }
  });
});

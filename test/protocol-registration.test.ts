/**
 * Dynamic client registration (RFC 7591) and its management (RFC 7592) with openid-client's
 * `dynamicClientRegistration`: initial access tokens (valid, expired, used up, revoked), the open
 * mode for native clients, the registration policy, the registration access token, and a sign-in
 * with a client that registered itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';
import { REDIRECT_URI, signUpAndRedeem, type RegisteredClient } from './support/oidc-harness.js';

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
    ];
    for (const [metadata, error] of cases) {
      const refused = await registerClient(server, metadata as Partial<client.ClientMetadata>, token);
      assert.equal(refused.error, error, JSON.stringify(metadata));
    }
    // None of them used the token up or left a client behind.
    const clients = (await server.admin('GET', '/admin/clients')).body.clients as { redirect_uris: string[] }[];
    assert.ok(!clients.some((c) => c.redirect_uris.some((uri) => uri.includes('#') || uri.includes('*') || uri.startsWith('http://app'))));
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

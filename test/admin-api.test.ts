/**
 * The admin API on its own listener: bearer-token auth, client registration rules (SECURITY.md
 * R1, R3, R6), secrets sealed at rest, users, signing keys and migrations, and hostile bodies
 * that must end in a JSON 4xx with nothing stored, never a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { PORTCULLIS_VERSION } from '@portcullis/contract';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';
import { registerAccount, submitLogin, uniqueEmail } from './support/pages.js';

const WEB_CLIENT = { client_name: 'Web App', redirect_uris: ['https://app.example/callback'] };

describe('admin API', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  /** A request to the admin listener with full control over headers and body. */
  const raw = async (method: string, path: string, init: { body?: string; headers?: Record<string, string>; token?: string | null } = {}) => {
    const token = init.token === undefined ? server.adminToken : init.token;
    const response = await fetch(`${server.adminUrl}${path}`, {
      method,
      headers: { ...(token !== null && { authorization: `Bearer ${token}` }), ...init.headers },
      body: init.body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const clientIds = async () => ((await server.admin('GET', '/admin/clients')).body.clients as { client_id: string }[]).map((c) => c.client_id).sort();
  const createClient = async (body: object) => {
    const created = await server.admin('POST', '/admin/clients', body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  };
  const clientCredentialsToken = (clientId: string, secret: string) =>
    fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });

  describe('authentication', () => {
    it('answers 401 without a token or with a wrong one, and changes nothing', async () => {
      const clients = await clientIds();
      const email = uniqueEmail('auth');
      await registerAccount(server, { email, password: 'admin auth passphrase' });
      const keys = (await server.admin('GET', '/admin/keys')).body;
      const headers = { 'content-type': 'application/json' };
      const attempts: Record<string, { token?: string | null; headers?: Record<string, string> }> = {
        'no token': { token: null },
        'wrong token': { token: 'x'.repeat(43) },
        'the token with one more character': { token: `${server.adminToken}x` },
        'the token as Basic credentials': { token: null, headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminToken}`).toString('base64')}` } },
        'the token in another header': { token: null, headers: { 'x-admin-token': server.adminToken } },
      };
      for (const [label, attempt] of Object.entries(attempts)) {
        const calls = [
          raw('GET', '/admin/clients', attempt),
          raw('POST', '/admin/clients', { ...attempt, headers: { ...headers, ...attempt.headers }, body: JSON.stringify(WEB_CLIENT) }),
          raw('DELETE', '/admin/clients/portcullis-demo', attempt),
          raw('POST', `/admin/users/${email}/disable`, attempt),
          raw('POST', '/admin/keys/rotate', attempt),
          raw('POST', '/admin/db/migrate', attempt),
        ];
        for (const response of await Promise.all(calls)) {
          assert.equal(response.status, 401, label);
          assert.equal(response.body.error, 'admin.unauthorized', label);
          assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/, label);
        }
      }
      assert.deepEqual(await clientIds(), clients);
      assert.equal((await server.admin('GET', `/admin/users/${email}`)).body.disabled, false);
      assert.deepEqual((await server.admin('GET', '/admin/keys')).body, keys);
    });

    it('serves the liveness probe without a token, naming the version', async () => {
      const response = await raw('GET', '/healthz', { token: null });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { status: 'ok', version: PORTCULLIS_VERSION });
    });

    it('is not reachable on the public listener', async () => {
      const response = await fetch(`${server.issuer}/admin/clients`, { headers: { authorization: `Bearer ${server.adminToken}` } });
      assert.equal(response.status, 404);
    });
  });

  describe('client validation', () => {
    const refused: [string, object, RegExp][] = [
      ['an http redirect URI for a non-loopback host', { redirect_uris: ['http://app.example/callback'] }, /http is only allowed for loopback/],
      ['a relative redirect URI', { redirect_uris: ['/callback'] }, /not an absolute URL/],
      ['a redirect URI with a fragment', { redirect_uris: ['https://app.example/callback#x'] }, /fragment/],
      ['a redirect URI with an empty fragment', { redirect_uris: ['https://app.example/callback#'] }, /fragment/],
      ['a redirect URI with userinfo', { redirect_uris: ['https://user:pw@app.example/callback'] }, /user information/],
      ['a javascript: redirect URI', { redirect_uris: ['javascript:alert(1)'] }, /must use https/],
      ['a data: redirect URI', { redirect_uris: ['data:text/html,hi'] }, /must use https/],
      ['a look-alike of localhost', { redirect_uris: ['http://localhost.evil.example/callback'] }, /loopback/],
      ['the password grant', { grant_types: ['password'] }, /unknown grant type "password"/],
      ['the implicit grant', { grant_types: ['implicit'] }, /unknown grant type "implicit"/],
      ['an unknown auth method', { token_endpoint_auth_method: 'client_secret_jwt' }, /unknown auth method "client_secret_jwt"/],
      ['auth method none for a confidential client', { token_endpoint_auth_method: 'none' }, /only for public clients/],
      ['a public client with a secret-based auth method', { public: true, token_endpoint_auth_method: 'client_secret_basic' }, /public client must use the auth method "none"/],
      ['a public client with client_credentials', { public: true, grant_types: ['authorization_code', 'client_credentials'] }, /public client cannot use the client_credentials grant/],
      ['authorization_code without a redirect URI', { redirect_uris: [] }, /at least one redirect URI/],
      ['a scope that is not a scope-token', { scope: 'openid "admin"' }, /not a valid scope/],
      ['a wildcard redirect URI', { redirect_uris: ['https://*.app.example/callback'] }, /wildcards are not supported/],
      ['a private-use scheme for a confidential client', { redirect_uris: ['com.example.app:/callback'] }, /only for public clients/],
      ['private_key_jwt without its public keys', { token_endpoint_auth_method: 'private_key_jwt' }, /needs the client's public keys: jwks or jwks_uri/],
      ['a jwks_uri without private_key_jwt', { jwks_uri: 'https://app.example/jwks' }, /only for the auth method "private_key_jwt"/],
      ['an unknown field', { sector_identifier_uri: 'https://app.example/sector' }, /sector_identifier_uri/],
      ['no client name', { client_name: ' ' }, /client_name/],
    ];

    it('refuses each invalid registration with 400, a message naming the problem, and stores nothing', async () => {
      const before = await clientIds();
      for (const [label, change, message] of refused) {
        const response = await server.admin('POST', '/admin/clients', { ...WEB_CLIENT, ...change });
        assert.equal(response.status, 400, label);
        assert.equal(response.body.error, 'client.invalid', label);
        assert.match(response.body.message, message, label);
      }
      assert.deepEqual(await clientIds(), before);
    });

    it('accepts http redirect URIs only for loopback hosts', async () => {
      const created = await createClient({ client_name: 'Native', public: true, redirect_uris: ['http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'http://localhost:3000/cb'] });
      assert.equal(created.token_endpoint_auth_method, 'none');
      assert.equal(created.client_secret, undefined);
    });

    it('refuses an update that breaks a rule and keeps the client as it was', async () => {
      const created = await createClient(WEB_CLIENT);
      const updates: [object, RegExp][] = [
        [{ redirect_uris: [] }, /at least one redirect URI/],
        [{ redirect_uris: ['http://app.example/callback'] }, /loopback/],
        [{ grant_types: ['implicit'] }, /unknown grant type/],
        [{ token_endpoint_auth_method: 'none' }, /makes a client public: send "public": true/],
        [{ client_id: 'renamed' }, /client_id/],
      ];
      for (const [change, message] of updates) {
        const response = await server.admin('PATCH', `/admin/clients/${created.client_id}`, change);
        assert.equal(response.status, 400, JSON.stringify(change));
        assert.match(response.body.message, message, JSON.stringify(change));
      }
      const { client_secret: _secret, ...stored } = created;
      assert.deepEqual((await server.admin('GET', `/admin/clients/${created.client_id}`)).body, stored);
    });
  });

  describe('client management', () => {
    it('creates, lists, shows, updates and deletes a client', async () => {
      const created = await createClient({ ...WEB_CLIENT, post_logout_redirect_uris: ['https://app.example/bye'], scope: 'openid email' });
      assert.match(created.client_id, /^[A-Za-z0-9_-]{16,}$/);
      assert.match(created.client_secret, /^[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(created.grant_types, ['authorization_code', 'refresh_token']);
      assert.deepEqual(created.response_types, ['code']);
      assert.equal(created.token_endpoint_auth_method, 'client_secret_basic');
      assert.equal(created.first_party, false);

      const listed = (await server.admin('GET', '/admin/clients')).body.clients.find((c: any) => c.client_id === created.client_id);
      assert.ok(listed, 'listed');
      assert.equal(listed.client_secret, undefined, 'the list never shows a secret');
      const shown = await server.admin('GET', `/admin/clients/${created.client_id}`);
      assert.equal(shown.status, 200);
      assert.equal(shown.body.client_secret, undefined, 'show never shows a secret');

      const updated = await server.admin('PATCH', `/admin/clients/${created.client_id}`, { client_name: 'Renamed', redirect_uris: ['https://app.example/new'] });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.client_name, 'Renamed');
      assert.deepEqual(updated.body.redirect_uris, ['https://app.example/new']);
      assert.deepEqual(updated.body.post_logout_redirect_uris, ['https://app.example/bye'], 'fields not sent are kept');

      assert.equal((await server.admin('DELETE', `/admin/clients/${created.client_id}`)).status, 204);
      assert.equal((await server.admin('GET', `/admin/clients/${created.client_id}`)).status, 404);
      assert.equal((await server.admin('DELETE', `/admin/clients/${created.client_id}`)).status, 404);
      assert.ok(!(await clientIds()).includes(created.client_id));
    });

    it('stores the client secret sealed, never in clear', async () => {
      const created = await createClient(WEB_CLIENT);
      const row = await server.app.db.primary.selectFrom('clients').selectAll().where('client_id', '=', created.client_id).executeTakeFirstOrThrow();
      assert.ok(row.secret_ciphertext, 'a ciphertext is stored');
      assert.ok(!row.secret_ciphertext.includes(created.client_secret));
      assert.ok(!JSON.stringify(row).includes(created.client_secret), 'the secret appears nowhere in the row');
      assert.ok(!row.secret_ciphertext.includes(Buffer.from(created.client_secret).toString('base64url')));
    });

    it('rotates a secret: the old one stops working at the token endpoint, the new one works', async () => {
      const created = await createClient({ client_name: 'Service', grant_types: ['client_credentials'] });
      const first = await clientCredentialsToken(created.client_id, created.client_secret);
      assert.equal(first.status, 200, await first.clone().text());
      assert.equal((await first.json()).token_type, 'Bearer');

      const rotated = await server.admin('POST', `/admin/clients/${created.client_id}/rotate-secret`);
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.client_secret, created.client_secret);

      const old = await clientCredentialsToken(created.client_id, created.client_secret);
      assert.equal(old.status, 401);
      assert.equal((await old.json()).error, 'invalid_client');
      const renewed = await clientCredentialsToken(created.client_id, rotated.body.client_secret);
      assert.equal(renewed.status, 200);
    });

    it('refuses to rotate the secret of a public client, and answers 404 for an unknown client', async () => {
      const publicClient = await createClient({ ...WEB_CLIENT, public: true });
      const rotated = await server.admin('POST', `/admin/clients/${publicClient.client_id}/rotate-secret`);
      assert.equal(rotated.status, 400);
      assert.equal(rotated.body.error, 'client.no_secret');
      for (const [method, path] of [['GET', '/admin/clients/nope'], ['PATCH', '/admin/clients/nope'], ['DELETE', '/admin/clients/nope'], ['POST', '/admin/clients/nope/rotate-secret']] as const) {
        const response = await server.admin(method, path, method === 'PATCH' ? { client_name: 'x' } : undefined);
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal(response.body.error, 'client.not_found');
      }
    });
  });

  describe('users', () => {
    it('lists and shows users without their password hash', async () => {
      const email = uniqueEmail('listed');
      await registerAccount(server, { email, password: 'listed user passphrase', name: 'Listed User' });
      const list = await server.admin('GET', '/admin/users?limit=1000');
      assert.equal(list.status, 200);
      const user = list.body.users.find((u: any) => u.email === email);
      assert.ok(user, 'listed');
      assert.deepEqual(Object.keys(user).sort(), ['created_at', 'disabled', 'email', 'email_verified', 'id', 'name']);
      assert.equal(user.name, 'Listed User');
      const byId = await server.admin('GET', `/admin/users/${user.id}`);
      const byEmail = await server.admin('GET', `/admin/users/${encodeURIComponent(email.toUpperCase())}`);
      // One user also carries what an administrator looks up: second factor, last sign-in, lockout.
      const { mfa, last_sign_in_at: lastSignIn, lockout, ...shown } = byId.body;
      assert.deepEqual(shown, user);
      assert.deepEqual(mfa, { totp: false, recovery_codes_left: 0, passkeys: 0 });
      assert.equal(typeof lastSignIn === 'string' || lastSignIn === null, true);
      assert.deepEqual(lockout, { password_until: null, code_until: null });
      assert.deepEqual(byEmail.body, byId.body);
      assert.ok(!JSON.stringify(list.body).includes('argon2'));
      assert.equal((await server.admin('GET', '/admin/users/nobody@example.com')).status, 404);
      assert.equal((await server.admin('GET', '/admin/users?limit=0')).status, 400);
    });

    it('disables and enables a user, which decides whether they can sign in', async () => {
      const email = uniqueEmail('toggle');
      await registerAccount(server, { email, password: 'toggled user passphrase' });
      const disabled = await server.admin('POST', `/admin/users/${email}/disable`);
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.disabled, true);
      assert.equal((await submitLogin(server, email, 'toggled user passphrase')).status, 401);
      const enabled = await server.admin('POST', `/admin/users/${disabled.body.id}/enable`);
      assert.equal(enabled.body.disabled, false);
      assert.equal((await submitLogin(server, email, 'toggled user passphrase')).status, 303);
      assert.equal((await server.admin('POST', '/admin/users/nobody@example.com/disable')).status, 404);
    });
  });

  describe('keys and migrations', () => {
    const jwksKids = async () => ((await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

    it('lists one active RS256, ES256 and EdDSA key, all published', async () => {
      const keys = (await server.admin('GET', '/admin/keys')).body.keys as { kid: string; alg: string; status: string }[];
      const active = keys.filter((k) => k.status === 'active');
      assert.deepEqual(active.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'RS256']);
      const published = await jwksKids();
      for (const key of active) assert.ok(published.includes(key.kid), key.kid);
      assert.ok(!JSON.stringify(keys).includes('"d"'), 'no private key material');
    });

    it('rotates keys: new active keys sign ID tokens, the old ones are retired but still published', async () => {
      const before = ((await server.admin('GET', '/admin/keys')).body.keys as any[]).filter((k) => k.status === 'active');
      const rotated = await server.admin('POST', '/admin/keys/rotate');
      assert.equal(rotated.status, 200);
      const after = rotated.body.keys as any[];
      const active = after.filter((k) => k.status === 'active');
      assert.deepEqual(active.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'RS256']);
      for (const old of before) {
        const now = after.find((k) => k.kid === old.kid);
        assert.equal(now?.status, 'retired', old.kid);
        assert.ok(now.retired_at && Date.parse(now.publish_until) > Date.now(), `${old.kid} is published for a while`);
      }
      const published = await jwksKids();
      for (const key of [...before, ...active]) assert.ok(published.includes(key.kid), `${key.kid} in /jwks`);

      const email = uniqueEmail('rotated');
      await registerAccount(server, { email, password: 'rotated keys passphrase' });
      const agent = new UserAgent();
      const posted = await submitLogin(server, email, 'rotated keys passphrase', agent);
      const demo = await agent.follow(posted.location!);
      const idToken = /<pre[^>]*class="token"><code>([^<]+)<\/code>/.exec(demo.body)?.[1];
      assert.ok(idToken, 'the demo shows the ID token');
      const { kid, alg } = decodeProtectedHeader(idToken);
      assert.equal(alg, 'RS256');
      assert.equal(kid, active.find((k) => k.alg === 'RS256').kid, 'signed with the new RS256 key');
    });

    it('runs migrations and returns the list with when each ran', async () => {
      const response = await server.admin('POST', '/admin/db/migrate');
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.applied, []);
      assert.ok(response.body.migrations.length >= 1);
      for (const migration of response.body.migrations) {
        assert.match(migration.name, /^\d{4}-\d{2}-\d{2}T\d{4}-[a-z0-9-]+$/);
        assert.ok(!Number.isNaN(Date.parse(migration.executed_at)), migration.name);
      }
    });
  });

  describe('hostile requests', () => {
    const json = { 'content-type': 'application/json' };

    it('answers malformed, oversized and mistyped bodies with a JSON 4xx and stores nothing', async () => {
      const before = await clientIds();
      const cases: [string, string, Record<string, string>, number, RegExp][] = [
        ['malformed JSON', '{"client_name": ', json, 400, /not valid JSON/],
        ['a JSON array', JSON.stringify([WEB_CLIENT]), json, 400, /expected object/],
        ['JSON null', 'null', json, 400, /./],
        ['deeply nested JSON', `{"client_name":${'['.repeat(30_000)}${']'.repeat(30_000)}}`, json, 400, /./],
        ['a 1 MB body', JSON.stringify({ ...WEB_CLIENT, client_name: 'x'.repeat(1024 * 1024) }), json, 413, /too large/],
        ['a form body', new URLSearchParams({ client_name: 'Form' }).toString(), { 'content-type': 'application/x-www-form-urlencoded' }, 415, /application\/json/],
        ['a text body', JSON.stringify(WEB_CLIENT), { 'content-type': 'text/plain' }, 415, /application\/json/],
        ['no content type', JSON.stringify(WEB_CLIENT), {}, 415, /application\/json/],
        ['a NUL in the client name', JSON.stringify({ ...WEB_CLIENT, client_name: 'a\u0000b' }), json, 400, /./],
        ['a NUL in a redirect URI', JSON.stringify({ ...WEB_CLIENT, redirect_uris: ['https://app.example/cb\u0000'] }), json, 400, /./],
        ['a prototype-polluting key', '{"client_name":"P","redirect_uris":["https://app.example/cb"],"__proto__":{"public":true}}', json, 400, /./],
      ];
      for (const [label, body, headers, status, message] of cases) {
        const response = await raw('POST', '/admin/clients', { body, headers });
        assert.equal(response.status, status, `${label}: ${JSON.stringify(response.body)}`);
        assert.equal(typeof response.body.error, 'string', label);
        assert.match(response.body.message, message, label);
      }
      assert.deepEqual(await clientIds(), before);
    });

    it('refuses a body that is not valid UTF-8 with 400 and stores nothing', async () => {
      const before = await clientIds();
      const [head, tail] = JSON.stringify({ ...WEB_CLIENT, client_name: 'SPLIT' }).split('SPLIT') as [string, string];
      const bodies: Record<string, Buffer> = {
        'a lone 0xFF byte': Buffer.concat([Buffer.from(head), Buffer.from([0xff]), Buffer.from(tail)]),
        'a truncated sequence': Buffer.concat([Buffer.from(head), Buffer.from('Zo'), Buffer.from([0xc3]), Buffer.from(tail)]),
        'an encoded surrogate': Buffer.concat([Buffer.from(head), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(tail)]),
        'Latin-1 instead of UTF-8': Buffer.from(JSON.stringify({ ...WEB_CLIENT, client_name: 'Café' }), 'latin1'),
      };
      for (const [label, body] of Object.entries(bodies)) {
        const response = await fetch(`${server.adminUrl}/admin/clients`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, ...json }, body: new Uint8Array(body) });
        const answer = (await response.json()) as { error: string; message: string };
        assert.equal(response.status, 400, `${label}: ${JSON.stringify(answer)}`);
        assert.equal(answer.error, 'admin.invalid', label);
        assert.match(answer.message, /UTF-8/, label);
      }
      assert.deepEqual(await clientIds(), before);
    });

    it('refuses a lone surrogate escape (\\ud800) in JSON with 400 instead of storing U+FFFD', async () => {
      const before = await clientIds();
      for (const name of ['\\ud800', 'a\\udfffb', '\\ud83d']) {
        const body = JSON.stringify({ ...WEB_CLIENT, client_name: 'SPLIT' }).replace('SPLIT', name);
        const response = await fetch(`${server.adminUrl}/admin/clients`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, ...json }, body });
        const answer = (await response.json()) as { error: string; message: string };
        assert.equal(response.status, 400, `${name}: ${JSON.stringify(answer)}`);
        assert.match(answer.message, /lone surrogate/, name);
      }
      const pair = await fetch(`${server.adminUrl}/admin/clients`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, ...json }, body: JSON.stringify({ ...WEB_CLIENT, client_name: 'SPLIT' }).replace('SPLIT', '\\ud83d\\ude00 app') });
      assert.equal(pair.status, 201, 'a surrogate pair is a real character');
      assert.equal(((await pair.json()) as { client_name: string }).client_name, '\u{1F600} app');
      assert.deepEqual((await clientIds()).length, before.length + 1);
    });

    it('answers NUL bytes and odd encodings in path parameters with a 4xx, not a 500', async () => {
      for (const path of ['/admin/users/a%00b', '/admin/users/a%00b%40example.com', '/admin/users/%FF', '/admin/clients/a%00b', '/admin/clients/%E0%A4%A']) {
        const response = await raw('GET', path);
        assert.ok(response.status >= 400 && response.status < 500, `${path}: ${response.status}`);
        assert.equal(typeof response.body.error, 'string', path);
      }
      const disable = await raw('POST', '/admin/users/a%00b/disable');
      assert.ok(disable.status >= 400 && disable.status < 500, `disable: ${disable.status}`);
    });
  });
});

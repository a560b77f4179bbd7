import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useFakeAdminApi } from '../testing/fake-admin-api.js';
import { clientBody } from '../testing/fixtures.js';
import { envFor, run } from '../testing/run.js';

void describe('portcullis clients', () => {
  const api = useFakeAdminApi();

  void describe('create', () => {
    void it('sends the defaults, the bearer token and JSON, and prints the secret with a shown-once warning', async () => {
      api.reply = () => ({ status: 201, body: clientBody({ client_secret: 's3cr3t-value' }) });
      const result = await run(['clients', 'create', '--name', 'Demo App', '--redirect-uri', 'https://app.example/cb'], envFor(api));

      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.equal(api.requests.length, 1);
      const [request] = api.requests;
      assert.equal(request?.method, 'POST');
      assert.equal(request?.url, '/admin/clients');
      assert.equal(request?.headers.authorization, 'Bearer test-admin-token');
      assert.equal(request?.headers['content-type'], 'application/json');
      assert.deepEqual(request?.body, {
        client_name: 'Demo App',
        redirect_uris: ['https://app.example/cb'],
        post_logout_redirect_uris: [],
        public: false,
        first_party: false,
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
      });
      assert.match(result.stdout, /^Client ID +cl_123$/m);
      assert.match(result.stdout, /^Client secret +s3cr3t-value$/m);
      assert.match(result.stdout, /shown only once/);
    });

    void it('collects repeated flags and sends public clients with auth method none', async () => {
      api.reply = () => ({ status: 201, body: clientBody({ token_endpoint_auth_method: 'none' }) });
      const result = await run(
        ['clients', 'create', '--name', 'SPA', '--public', '--first-party', '--scope', 'openid email',
          '--redirect-uri', 'https://spa.example/cb', '--redirect-uri', 'http://localhost:5173/cb',
          '--post-logout-redirect-uri', 'https://spa.example/'],
        envFor(api),
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(api.requests[0]?.body, {
        client_name: 'SPA',
        redirect_uris: ['https://spa.example/cb', 'http://localhost:5173/cb'],
        post_logout_redirect_uris: ['https://spa.example/'],
        public: true,
        first_party: true,
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid email',
        token_endpoint_auth_method: 'none',
      });
      assert.doesNotMatch(result.stdout, /shown only once/, 'a public client has no secret to warn about');
    });

    void it('--device creates a device client (RFC 8628): device code and refresh token, no redirect URI', async () => {
      api.reply = () => ({ status: 201, body: clientBody({ token_endpoint_auth_method: 'none' }) });
      const result = await run(['clients', 'create', '--name', 'TV app', '--public', '--device'], envFor(api));
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(api.requests[0]?.body, {
        client_name: 'TV app',
        redirect_uris: [],
        post_logout_redirect_uris: [],
        public: true,
        first_party: false,
        grant_types: ['refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        token_endpoint_auth_method: 'none',
      });
    });

    void it('--device adds the device code grant to the --grant-type list', async () => {
      api.reply = () => ({ status: 201, body: clientBody() });
      const result = await run(['clients', 'create', '--name', 'Both', '--redirect-uri', 'https://app.example/cb', '--grant-type', 'authorization_code', '--device'], envFor(api));
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((api.requests[0]?.body as { grant_types: string[] }).grant_types, ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code']);
    });

    void it('with --json prints exactly one JSON document, the API response', async () => {
      const body = clientBody({ client_secret: 's3cr3t-value' });
      api.reply = () => ({ status: 201, body });
      const result = await run(['clients', 'create', '--name', 'Demo App', '--redirect-uri', 'https://app.example/cb', '--json'], envFor(api));
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
      assert.deepEqual(JSON.parse(result.stdout), body);
    });

    const badInputs: Array<[string, string[], RegExp]> = [
      ['a redirect URI that is not a URL', ['--redirect-uri', 'not a url'], /--redirect-uri "not a url": not an absolute URL/],
      ['plain http to a non-loopback host', ['--redirect-uri', 'http://app.example/cb'], /--redirect-uri "http:\/\/app\.example\/cb": http is only allowed for loopback hosts/],
      ['a redirect URI with a fragment', ['--redirect-uri', 'https://app.example/cb#x'], /fragment/],
      ['an unknown grant type', ['--redirect-uri', 'https://app.example/cb', '--grant-type', 'password'], /--grant-type "password"/],
      ['authorization_code without --redirect-uri', [], /--redirect-uri is required/],
      ['--public with client_credentials', ['--public', '--grant-type', 'client_credentials'], /client_credentials/],
      ['--public with a secret-based auth method', ['--public', '--redirect-uri', 'https://a.example/cb', '--auth-method', 'client_secret_basic'], /--auth-method none/],
      ['an unknown auth method', ['--redirect-uri', 'https://a.example/cb', '--auth-method', 'magic'], /--auth-method "magic"/],
      ['--public with --introspect', ['--public', '--redirect-uri', 'https://a.example/cb', '--introspect'], /--public clients cannot --introspect/],
    ];
    for (const [what, flags, reason] of badInputs) {
      void it(`rejects ${what} with exit 2, one stderr line, and no request`, async () => {
        const result = await run(['clients', 'create', '--name', 'X', ...flags], envFor(api));
        assert.equal(result.code, 2);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /^portcullis: [^\n]+\n$/);
        assert.match(result.stderr, reason);
        assert.equal(api.requests.length, 0);
      });
    }

    void it('registers a resource server with --introspect and shows it', async () => {
      api.reply = () => ({ status: 201, body: clientBody({ client_secret: 's', grant_types: ['client_credentials'], redirect_uris: [], resource_server: true }) });
      const result = await run(['clients', 'create', '--name', 'API', '--grant-type', 'client_credentials', '--introspect'], envFor(api));
      assert.equal(result.code, 0, result.stderr);
      assert.equal((api.requests[0]?.body as Record<string, unknown>).resource_server, true);
      assert.match(result.stdout, /^Resource server +yes$/m);
    });

    void it('rejects a missing --name through commander, with exit 2 and no request', async () => {
      const result = await run(['clients', 'create', '--redirect-uri', 'https://app.example/cb'], envFor(api));
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^portcullis: required option '--name <name>' not specified\n$/);
      assert.equal(api.requests.length, 0);
    });
  });

  void it('surfaces the API error message as "portcullis: <message>" and exits 1', async () => {
    api.reply = () => ({ status: 404, body: { error: 'client.not_found', message: 'client "nope" does not exist' } });
    const result = await run(['clients', 'show', 'nope', '--json'], envFor(api));
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '', 'errors never reach stdout, even with --json');
    assert.equal(result.stderr, 'portcullis: client "nope" does not exist\n');
  });

  void it('list prints an aligned table, and --json the API document', async () => {
    const body = { clients: [clientBody(), clientBody({ client_id: 'cl_long_identifier', client_name: 'Batch', token_endpoint_auth_method: 'none' })] };
    api.reply = () => ({ status: 200, body });
    const human = await run(['clients', 'list'], envFor(api));
    assert.equal(human.code, 0);
    const lines = human.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /^CLIENT ID +NAME +TYPE +FIRST PARTY +GRANT TYPES +CREATED$/);
    assert.equal(lines[1]?.indexOf('Demo App'), lines[0]?.indexOf('NAME'), 'columns line up');
    assert.match(lines[2] ?? '', /cl_long_identifier +Batch +public/);

    const json = await run(['clients', 'list', '--json'], envFor(api));
    assert.deepEqual(JSON.parse(json.stdout), body);
  });

  void it('update sends PATCH with only the flags given, and --no-first-party as false', async () => {
    api.reply = () => ({ status: 200, body: clientBody() });
    const result = await run(['clients', 'update', 'cl_123', '--no-first-party', '--grant-type', 'client_credentials'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'PATCH');
    assert.equal(api.requests[0]?.url, '/admin/clients/cl_123');
    assert.deepEqual(api.requests[0]?.body, { first_party: false, grant_types: ['client_credentials'] });
  });

  void it('create and update set --require-verified-email, and show prints it', async () => {
    api.reply = () => ({ status: 201, body: clientBody({ client_secret: 's', require_verified_email: true }) });
    const created = await run(['clients', 'create', '--name', 'Strict', '--redirect-uri', 'https://app.example/cb', '--require-verified-email'], envFor(api));
    assert.equal(created.code, 0, created.stderr);
    assert.equal((api.requests[0]?.body as Record<string, unknown>).require_verified_email, true);
    assert.match(created.stdout, /^Verified email +yes$/m);
    api.reply = () => ({ status: 200, body: clientBody() });
    await run(['clients', 'update', 'cl_123', '--require-verified-email'], envFor(api));
    await run(['clients', 'update', 'cl_123', '--no-require-verified-email'], envFor(api));
    assert.deepEqual(api.requests.slice(1).map((r) => r.body), [{ require_verified_email: true }, { require_verified_email: false }]);
  });

  void it('update turns the resource-server flag on and off, and show prints it', async () => {
    api.reply = () => ({ status: 200, body: clientBody() });
    await run(['clients', 'update', 'cl_123', '--introspect'], envFor(api));
    await run(['clients', 'update', 'cl_123', '--no-introspect'], envFor(api));
    assert.deepEqual(api.requests.map((r) => r.body), [{ resource_server: true }, { resource_server: false }]);
    const shown = await run(['clients', 'show', 'cl_123'], envFor(api));
    assert.match(shown.stdout, /^Resource server +no$/m, 'a server that does not send the flag reads as no');
  });

  void it('update --public and --no-public switch the kind; a mismatched --auth-method is refused locally', async () => {
    api.reply = () => ({ status: 200, body: clientBody({ token_endpoint_auth_method: 'none' }) });
    assert.equal((await run(['clients', 'update', 'cl_123', '--public'], envFor(api))).code, 0);
    api.reply = () => ({ status: 200, body: clientBody({ client_secret: 'fresh-secret' }) });
    const back = await run(['clients', 'update', 'cl_123', '--no-public'], envFor(api));
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /shown only once/);
    assert.deepEqual(api.requests.map((r) => r.body), [{ public: true }, { public: false }]);
    const mismatched = await run(['clients', 'update', 'cl_123', '--public', '--auth-method', 'client_secret_post'], envFor(api));
    assert.equal(mismatched.code, 2);
    assert.equal(api.requests.length, 2);
  });

  void it('delete without a terminal refuses unless --yes, and sends nothing', async () => {
    const refused = await run(['clients', 'delete', 'cl_123'], envFor(api));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^portcullis: not deleting cl_123 without confirmation: pass --yes/);
    assert.equal(api.requests.length, 0);
  });

  void it('delete on a terminal asks with the client name, and a "no" deletes nothing', async () => {
    api.reply = () => ({ status: 200, body: clientBody() });
    const questions: string[] = [];
    const result = await run(['clients', 'delete', 'cl_123'], envFor(api), { confirm: (q) => (questions.push(q), Promise.resolve(false)) });
    assert.equal(result.code, 1);
    assert.match(questions[0] ?? '', /^Delete client Demo App \(cl_123\)\?/);
    assert.deepEqual(api.requests.map((r) => r.method), ['GET']);
    api.reply = (request) => (request.method === 'GET' ? { status: 200, body: clientBody() } : { status: 204 });
    const yes = await run(['clients', 'delete', 'cl_123'], envFor(api), { confirm: () => Promise.resolve(true) });
    assert.equal(yes.code, 0, yes.stderr);
    assert.deepEqual(api.requests.map((r) => r.method), ['GET', 'GET', 'DELETE']);
  });

  void it('delete --yes URL-encodes the id and prints {"deleted": id} under --json', async () => {
    api.reply = () => ({ status: 204 });
    const result = await run(['clients', 'delete', 'a/b?c', '--yes', '--json'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'DELETE');
    assert.equal(api.requests[0]?.url, '/admin/clients/a%2Fb%3Fc');
    assert.deepEqual(JSON.parse(result.stdout), { deleted: 'a/b?c' });
  });

  void it('offers in --help every auth method the server supports, private_key_jwt with its key flags', async () => {
    const help = await run(['clients', 'create', '--help'], {});
    assert.match(help.stdout, /client_secret_basic, client_secret_post, none, private_key_jwt/);
    assert.match(help.stdout, /--jwks-file <path>/);
    assert.match(help.stdout, /--jwks-uri <uri>/);
    const refused = await run(['clients', 'create', '--name', 'X', '--grant-type', 'client_credentials', '--auth-method', 'client_secret_jwt'], envFor(api));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--auth-method "client_secret_jwt": must be one of client_secret_basic, client_secret_post, none, private_key_jwt/);
    assert.equal(api.requests.length, 0);
  });

  void it('marks built-in clients in list and show', async () => {
    api.reply = () => ({ status: 200, body: clientBody({ client_id: 'portcullis-demo', built_in: true, token_endpoint_auth_method: 'none' }) });
    const shown = await run(['clients', 'show', 'portcullis-demo'], envFor(api));
    assert.match(shown.stdout, /^Type +public \(built-in\)$/m);
    assert.match(shown.stdout, /^Built-in +yes \(read-only\)$/m);
    api.reply = () => ({ status: 200, body: { clients: [clientBody({ built_in: true })] } });
    assert.match((await run(['clients', 'list'], envFor(api))).stdout, /confidential \(built-in\)/);
  });

  void it('marks clients that registered themselves (RFC 7591) in list and show', async () => {
    api.reply = () => ({ status: 200, body: clientBody({ dynamic_registration: 'open-native', token_endpoint_auth_method: 'none' }) });
    const shown = await run(['clients', 'show', 'cl_123'], envFor(api));
    assert.match(shown.stdout, /^Type +public \(registered itself\)$/m);
    assert.match(shown.stdout, /^Registered via +open-native$/m);
    api.reply = () => ({ status: 200, body: { clients: [clientBody({ dynamic_registration: 'token' })] } });
    assert.match((await run(['clients', 'list'], envFor(api))).stdout, /confidential \(registered itself\)/);
  });

  void it('rotate-secret POSTs without a body and shows the new secret once', async () => {
    api.reply = () => ({ status: 200, body: clientBody({ client_secret: 'n3w-secret' }) });
    const result = await run(['clients', 'rotate-secret', 'cl_123'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'POST');
    assert.equal(api.requests[0]?.url, '/admin/clients/cl_123/rotate-secret');
    assert.equal(api.requests[0]?.body, undefined);
    assert.match(result.stdout, /^Client secret +n3w-secret$/m);
    assert.match(result.stdout, /shown only once/);
  });
});

/**
 * Malformed, oversized and hostile input at the provider's endpoints (SECURITY.md "Inputs"):
 * each gets a clear 4xx, quickly; never a 500, a hang or a stack trace. NUL characters get their
 * own cases: PostgreSQL cannot store them, so they are where a database error would leak out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STACK_MODE, type TestServer } from './support/test-server.js';
import { REDIRECT_URI, codeFor, postForm, send, signUpAndRedeem, type Endpoints, type RawResponse, type RegisteredClient, openOidcServer } from './support/oidc-harness.js';

// A guard against hangs (SECURITY.md: "quickly, never a hang"), not a speed measurement: benchmarks do that.
const QUICK_MS = 5000;
const NUL = '\u0000';

async function timed(request: () => Promise<RawResponse>): Promise<RawResponse & { ms: number }> {
  const started = performance.now();
  const response = await request();
  return { ...response, ms: performance.now() - started };
}

/**
 * Against the production stack Nginx refuses some of this input at the front door (bodies over
 * 64 KiB, NUL bytes in the URI) with its own 4xx page before the app sees it. That is the
 * intended outcome there: refused, nothing redirected, nothing issued.
 */
function refusedByProxy(response: RawResponse): boolean {
  return STACK_MODE && response.status >= 400 && response.status < 500 && response.text.includes('<center>nginx</center>');
}

function assertClientErrorJson(response: RawResponse & { ms: number }, label: string) {
  assert.ok(response.status >= 400 && response.status < 500, `${label}: expected a 4xx, got ${response.status} ${response.text.slice(0, 200)}`);
  assert.ok(response.ms < QUICK_MS, `${label}: took ${Math.round(response.ms)} ms`);
  if (refusedByProxy(response)) return;
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${label}: not JSON`);
  assert.equal(typeof response.body?.error, 'string', `${label}: no OAuth error code`);
  assert.notEqual(response.body.error, 'server_error', label);
  assert.ok(response.ms < QUICK_MS, `${label}: took ${Math.round(response.ms)} ms`);
}

describe('hostile input', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let web: RegisteredClient;
  let machine: RegisteredClient;
  before(async () => {
    ({ server, endpoints, web, machine } = await openOidcServer({ machine: true }));
  });
  after(() => server.close());

  const raw = (body: BodyInit, contentType?: string, headers: Record<string, string> = {}) =>
    timed(() => send(endpoints.token, { method: 'POST', headers: { ...(contentType && { 'content-type': contentType }), ...headers }, body }));
  const form = 'application/x-www-form-urlencoded';
  const basicFor = (clientId: string, secret = 'secret') => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${secret}`).toString('base64')}` });

  describe('token endpoint', () => {
    it('issues a client credentials token for a well-formed request (the control case)', async () => {
      const response = await postForm(endpoints.token, { grant_type: 'client_credentials' }, machine);
      assert.equal(response.status, 200, response.text);
    });

    it('rejects a 100 KB scope', async () => {
      const response = await timed(() => postForm(endpoints.token, { grant_type: 'client_credentials', scope: 'openid '.repeat(15_000) }, machine));
      assertClientErrorJson(response, 'huge scope');
    });

    it('rejects a deeply nested JSON body', async () => {
      assertClientErrorJson(await raw(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`, 'application/json', basicFor(machine.client_id, machine.client_secret)), 'nested JSON');
    });

    it('rejects invalid UTF-8 bytes in the form body', async () => {
      const bytes = Buffer.concat([Buffer.from('grant_type=client_credentials&scope='), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80])]);
      assertClientErrorJson(await raw(bytes, form), 'invalid UTF-8 without credentials');
      const withClientId = Buffer.concat([Buffer.from('grant_type=client_credentials&client_id='), Buffer.from([0xff, 0xfe, 0xc3, 0x28])]);
      assertClientErrorJson(await raw(withClientId, form), 'invalid UTF-8 in client_id');
    });

    for (const [label, clientId] of [
      ['SQL metacharacters', "' OR '1'='1' --"],
      ['SQL metacharacters with a statement', "x'; DROP TABLE clients; --"],
      ['HTML metacharacters', '<script>alert(1)</script>'],
      ['a NUL character', `abc${NUL}def`],
      ['a 10 KB value', 'c'.repeat(10_000)],
      ['only whitespace', '   '],
    ] as const) {
      it(`rejects ${label} in client_id, in the body and in Basic credentials`, async () => {
        const inBody = await timed(() => postForm(endpoints.token, { grant_type: 'client_credentials', client_id: clientId }));
        assertClientErrorJson(inBody, `${label} (body)`);
        assert.ok(!inBody.text.includes('<script>'), 'the client_id is echoed back unescaped');
        assertClientErrorJson(await raw('grant_type=client_credentials', form, basicFor(clientId)), `${label} (Basic)`);
      });
    }

    it('rejects NUL characters in a code, a code_verifier and a refresh token', async () => {
      const { code, request } = await codeFor(server, web);
      const cases: Record<string, Record<string, string>> = {
        code: { grant_type: 'authorization_code', code: `${code}${NUL}`, redirect_uri: REDIRECT_URI, code_verifier: request.codeVerifier },
        code_verifier: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: `${request.codeVerifier}${NUL}` },
        redirect_uri: { grant_type: 'authorization_code', code, redirect_uri: `${REDIRECT_URI}${NUL}`, code_verifier: request.codeVerifier },
        refresh_token: { grant_type: 'refresh_token', refresh_token: `rt${NUL}` },
      };
      for (const [label, fields] of Object.entries(cases)) assertClientErrorJson(await timed(() => postForm(endpoints.token, fields, web)), label);
    });

    it('rejects an empty body, a missing content type and other media types', async () => {
      const auth = basicFor(machine.client_id, machine.client_secret);
      assertClientErrorJson(await raw('', form, auth), 'empty body');
      assertClientErrorJson(await raw('', form), 'empty body without credentials');
      assertClientErrorJson(await raw('grant_type=client_credentials', undefined, auth), 'no content type');
      assertClientErrorJson(await raw('grant_type=client_credentials', 'text/plain', auth), 'text/plain');
      assertClientErrorJson(await raw('{"grant_type":"client_credentials"}', 'application/json', auth), 'JSON');
      const multipart = new FormData();
      multipart.set('grant_type', 'client_credentials');
      assertClientErrorJson(await timed(() => send(endpoints.token, { method: 'POST', headers: auth, body: multipart })), 'multipart');
    });

    it('rejects a repeated parameter', async () => {
      assertClientErrorJson(await raw('grant_type=client_credentials&grant_type=password', form, basicFor(machine.client_id, machine.client_secret)), 'repeated grant_type');
    });
  });

  describe('introspection, revocation and userinfo', () => {
    it('treats a token with a NUL character as unknown', async () => {
      const token = `abc${NUL}def`;
      const introspection = await postForm(endpoints.introspection, { token }, web);
      assert.equal(introspection.status, 200, introspection.text);
      assert.equal(introspection.body.active, false);
      const revocation = await postForm(endpoints.revocation, { token }, web);
      assert.equal(revocation.status, 200, `RFC 7009 §2.2: unknown tokens are not an error (got ${revocation.status})`);
      const userinfo = await postForm(endpoints.userinfo, { access_token: token });
      assert.equal(userinfo.status, 401, userinfo.text);
      assert.equal(userinfo.body?.error, 'invalid_token');
    });
  });

  describe('authorization and end-session endpoints', () => {
    const authorize = (params: Record<string, string>) =>
      send(
        `${endpoints.authorization}?${new URLSearchParams({
          client_id: web.client_id,
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: 'openid',
          state: 'state-1',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          ...params,
        })}`,
        { headers: { accept: 'text/html' } },
      );

    it('shows an error page for a NUL character in client_id', async () => {
      const response = await authorize({ client_id: `${web.client_id}${NUL}` });
      assert.equal(response.status, 400, response.text.slice(0, 200));
      assert.equal(response.headers.get('location'), null);
    });

    for (const param of ['state', 'nonce', 'login_hint', 'ui_locales', 'acr_values']) {
      it(`answers invalid_request, not a server error, for a NUL character in ${param}`, async () => {
        const response = await authorize({ [param]: `x${NUL}y` });
        assert.ok(response.status < 500, `got ${response.status}`);
        if (refusedByProxy(response)) return assert.equal(response.headers.get('location'), null);
        const location = new URL(response.headers.get('location') ?? 'about:blank');
        assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI, `expected an error redirect, got ${response.status}`);
        assert.equal(location.searchParams.get('error'), 'invalid_request');
        assert.equal(location.searchParams.get('code'), null);
      });
    }

    it('shows an error page for NUL characters in end-session parameters', async () => {
      const { tokens } = await signUpAndRedeem(server, web, 'openid');
      const endSession = (params: Record<string, string>) => send(`${endpoints.endSession}?${new URLSearchParams(params)}`, { headers: { accept: 'text/html' } });
      const cases: Record<string, string>[] = [{ client_id: `x${NUL}` }, { id_token_hint: `${tokens.id_token!}${NUL}` }, { client_id: web.client_id, state: `x${NUL}` }];
      for (const params of cases) {
        const response = await endSession(params);
        assert.ok(response.status >= 400 && response.status < 500, `${JSON.stringify(Object.keys(params))}: got ${response.status}`);
        assert.equal(response.headers.get('location'), null);
      }
    });
  });
});

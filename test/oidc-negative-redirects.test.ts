/**
 * Never an open redirector (SECURITY.md R1, R2, R15, R17; RFC 9700 §2.1, §4.1): a redirect URI
 * that is not exactly a registered one, an unknown client, an unregistered post-logout URI or a
 * forged id_token_hint gets an error page, and the browser is sent nowhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import { type TestServer } from './support/test-server.js';
import {
  LOGOUT_REDIRECT_URI,
  REDIRECT_URI,
  createClient,
  send,
  signUpAndRedeem,
  type Endpoints,
  type RegisteredClient,
  openOidcServer,
} from './support/oidc-harness.js';

/** Every one differs from the registered https://app.example.test/callback by at least one byte. */
const REDIRECT_URI_MUTATIONS = [
  // case
  'https://APP.example.test/callback',
  'https://app.EXAMPLE.test/callback',
  'https://App.Example.Test/callback',
  'https://app.example.test/Callback',
  'https://app.example.test/CALLBACK',
  'HTTPS://app.example.test/callback',
  // path
  'https://app.example.test/callback/',
  'https://app.example.test/callback//',
  'https://app.example.test/callback/extra',
  'https://app.example.test/callbackx',
  'https://app.example.test/callbac',
  'https://app.example.test/callback.evil.test',
  'https://app.example.test/callback;jsessionid=1',
  'https://app.example.test//callback',
  'https://app.example.test/./callback',
  'https://app.example.test/callback/.',
  // traversal
  'https://app.example.test/callback/..;/',
  'https://app.example.test/callback/..;/evil',
  'https://app.example.test/callback/../',
  'https://app.example.test/callback/../evil',
  'https://app.example.test/evil/../callback',
  'https://app.example.test/callback/%2e%2e/evil',
  // query and fragment
  'https://app.example.test/callback?',
  'https://app.example.test/callback?x=1',
  'https://app.example.test/callback?redirect=https://evil.test',
  'https://app.example.test/callback?&',
  'https://app.example.test/callback#',
  'https://app.example.test/callback#frag',
  // percent-encoding
  'https://app.example.test/%63allback',
  'https://app.example.test/callback%2F',
  'https://app.example.test/callback%2F..%2Fevil',
  'https://app.example.test/callback%3Fx=1',
  'https://app.example.test/callback%23frag',
  'https://app.example.test/callback%00',
  'https://app.example.test/callback%20',
  'https://app%2Eexample.test/callback',
  // userinfo
  'https://evil.test@app.example.test/callback',
  'https://app.example.test@evil.test/callback',
  'https://user:pass@app.example.test/callback',
  'https://app.example.test:443@evil.test/callback',
  // host
  'https://app.example.test.evil.test/callback',
  'https://evil.test/callback',
  'https://evilapp.example.test/callback',
  'https://sub.app.example.test/callback',
  'https://example.test/callback',
  'https://app.example.test./callback',
  'https://127.0.0.1/callback',
  'https://[::1]/callback',
  // port and scheme
  'https://app.example.test:443/callback',
  'https://app.example.test:8443/callback',
  'https://app.example.test:80/callback',
  'http://app.example.test/callback',
  'http://localhost/callback',
  'javascript:alert(1)',
  'javascript://app.example.test/callback%0Aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  // whitespace and control characters
  ' https://app.example.test/callback',
  'https://app.example.test/callback ',
  'https://app.example.test/callback\t',
  'https://app.example.test/callback\n',
  '\nhttps://app.example.test/callback',
  'https://app.example.test/callback\u0000',
  'https://app.example.test/callback\u200b',
  // slashes
  'https:///app.example.test/callback',
  '//app.example.test/callback',
  'https:/app.example.test/callback',
  'https:app.example.test/callback',
  'https://app.example.test\\callback',
  'https://app.example.test\\@evil.test/callback',
  'https://evil.test\\@app.example.test/callback',
  // unicode lookalikes (Cyrillic а, full-width and ideographic dots)
  'https://\u0430pp.example.test/callback',
  'https://app.ex\u0430mple.test/callback',
  'https://app.example.test/callb\u0430ck',
  'https://app\uff0eexample\uff0etest/callback',
  'https://app.example.test\u3002/callback',
  'https://xn--pp-7kc.example.test/callback',
];

/** A browser navigating there: it asks for HTML, as the pages under test expect. */
const browse = (url: string) => send(url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });

function assertErrorPageWithoutRedirect(response: { status: number; headers: Headers }) {
  const location = response.headers.get('location');
  assert.equal(location, null, `redirected to ${location}`);
  assert.ok(response.status >= 400 && response.status < 500, `expected a 4xx error page, got ${response.status}`);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
}

describe('redirects only to registered addresses', () => {
  let server: TestServer;
  let endpoints: Endpoints;
  let registered: RegisteredClient;
  before(async () => {
    ({ server, endpoints, web: registered } = await openOidcServer());
  });
  after(() => server.close());

  const authorizationUrl = (params: Record<string, string>) =>
    `${endpoints.authorization}?${new URLSearchParams({
      client_id: registered.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      state: 'state-1',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      ...params,
    })}`;

  describe('authorization endpoint: redirect_uri matches exactly (R1)', () => {
    it('lists at least 60 distinct mutations of the registered URI', () => {
      assert.ok(new Set(REDIRECT_URI_MUTATIONS).size >= 60);
      assert.ok(!REDIRECT_URI_MUTATIONS.includes(REDIRECT_URI));
    });

    it('accepts the registered URI itself (the control case)', async () => {
      const response = await browse(authorizationUrl({}));
      assert.equal(response.status, 303);
      assert.match(response.headers.get('location') ?? '', /\/interaction\//);
    });

    for (const mutation of REDIRECT_URI_MUTATIONS) {
      it(`shows an error page and does not redirect for ${JSON.stringify(mutation)}`, async () => {
        assertErrorPageWithoutRedirect(await browse(authorizationUrl({ redirect_uri: mutation })));
      });
    }

    it('never redirects to the second value of a duplicated redirect_uri parameter', async () => {
      const response = await browse(`${authorizationUrl({})}&redirect_uri=${encodeURIComponent('https://evil.test/callback')}`);
      assert.ok(!(response.headers.get('location') ?? '').startsWith('https://evil.test'));
    });
  });

  describe('authorization endpoint: unknown clients (R2)', () => {
    it('shows an error page for an unknown client_id, without redirecting to its redirect_uri', async () => {
      assertErrorPageWithoutRedirect(await browse(authorizationUrl({ client_id: 'no-such-client' })));
    });

    it('shows an error page for a missing client_id', async () => {
      const url = new URL(authorizationUrl({}));
      url.searchParams.delete('client_id');
      assertErrorPageWithoutRedirect(await browse(url.href));
    });

    it("shows an error page for a known client with another client's redirect URI", async () => {
      const other = await createClient(server, { redirect_uris: ['https://other.example.test/cb'] });
      assertErrorPageWithoutRedirect(await browse(authorizationUrl({ client_id: other.client_id })));
    });
  });

  describe('end session: post_logout_redirect_uri and id_token_hint (R15, R17)', () => {
    let idToken: string;
    before(async () => {
      idToken = (await signUpAndRedeem(server, registered, 'openid')).tokens.id_token!;
    });

    const endSessionUrl = (params: Record<string, string>) => `${endpoints.endSession}?${new URLSearchParams(params)}`;
    it('shows the sign-out confirmation for a valid hint and registered URI (the control case)', async () => {
      const response = await browse(endSessionUrl({ id_token_hint: idToken, post_logout_redirect_uri: LOGOUT_REDIRECT_URI }));
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    });

    for (const uri of ['https://evil.test/signed-out', `${LOGOUT_REDIRECT_URI}/`, `${LOGOUT_REDIRECT_URI}?x=1`, LOGOUT_REDIRECT_URI.toUpperCase(), REDIRECT_URI]) {
      it(`refuses the unregistered post_logout_redirect_uri ${uri}`, async () => {
        const response = await browse(endSessionUrl({ id_token_hint: idToken, post_logout_redirect_uri: uri }));
        assertErrorPageWithoutRedirect(response);
      });
    }

    /** Forged hints, built from the real ID token's header and claims. */
    async function forgeries(): Promise<Record<string, string>> {
      const [header, payload] = idToken.split('.') as [string, string];
      const realHeader = jose.decodeProtectedHeader(idToken);
      const claims = jose.decodeJwt(idToken);
      const encode = (value: object) => jose.base64url.encode(JSON.stringify(value));
      const attacker = await jose.generateKeyPair('RS256', { extractable: true });
      const attackerJwk = await jose.exportJWK(attacker.publicKey);
      const sign = (body: jose.JWTPayload, protectedHeader: jose.JWTHeaderParameters, key: jose.CryptoKey | Uint8Array) =>
        new jose.SignJWT(body).setProtectedHeader(protectedHeader).sign(key);
      const jwks = (await (await fetch(endpoints.jwks)).json()) as { keys: jose.JWK[] };
      const serverKey = jwks.keys.find((k) => k.kid === realHeader.kid) ?? jwks.keys[0]!;
      const serverKeyPem = await jose.exportSPKI((await jose.importJWK(serverKey, serverKey.alg ?? 'RS256')) as jose.CryptoKey);
      return {
        'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
        'alg none with the real kid': `${encode({ ...realHeader, alg: 'none' })}.${payload}.`,
        'a tampered payload under the real signature': `${header}.${encode({ ...claims, sub: 'someone-else' })}.${idToken.split('.')[2]}`,
        'a random signature': `${header}.${payload}.${jose.base64url.encode(crypto.getRandomValues(new Uint8Array(256)))}`,
        "an attacker's key under the real kid": await sign(claims, { alg: 'RS256', kid: realHeader.kid! }, attacker.privateKey),
        'another issuer': await sign({ ...claims, iss: 'https://evil.test' }, { alg: 'RS256', kid: 'evil' }, attacker.privateKey),
        'an embedded jwk header': await sign(claims, { alg: 'RS256', jwk: attackerJwk }, attacker.privateKey),
        'a jku header': await sign(claims, { alg: 'RS256', kid: 'evil', jku: 'https://evil.test/jwks.json' }, attacker.privateKey),
        'HS256 keyed with the public key': await sign(claims, { alg: 'HS256', kid: realHeader.kid! }, new TextEncoder().encode(serverKeyPem)),
        'HS256 keyed with the client secret': await sign(claims, { alg: 'HS256' }, new TextEncoder().encode(registered.client_secret)),
      };
    }

    it('refuses every forged id_token_hint with an error page and no redirect', async () => {
      for (const [name, forged] of Object.entries(await forgeries())) {
        const response = await browse(endSessionUrl({ id_token_hint: forged, post_logout_redirect_uri: LOGOUT_REDIRECT_URI }));
        assert.equal(response.headers.get('location'), null, `${name}: redirected`);
        assert.equal(response.status, 400, `${name}: expected an error page, got ${response.status}`);
        assert.match(response.text, /role="alert"/, `${name}: not an error page`);
      }
    });
  });
});

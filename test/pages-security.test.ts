/**
 * Browser-facing protections of every HTML page (SECURITY.md R10, R12, A10, A11, A12 and
 * "Inputs"): security headers, cookie flags, CSRF on every form, and hostile form bodies that
 * must end in a clear 4xx page with nothing written, never a 500.
 */
import { confirmEmail, verificationMail } from './support/mail.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText, csrfToken, type Page } from './support/user-agent.js';
import { createThirdPartyClient, interactionUid, openConsent, openLogin, openRegister, pkcePair, uniqueEmail } from './support/pages.js';

function parseCsp(header: string | null): Map<string, string> {
  assert.ok(header, 'a Content-Security-Policy header');
  return new Map(header.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1).join(' ')]));
}

function assertSecurityHeaders(page: Page, name: string): void {
  const csp = parseCsp(page.headers.get('content-security-policy'));
  assert.match(csp.get('script-src') ?? '', /^'nonce-[A-Za-z0-9+/]{16,}={0,2}'/, `${name}: nonce-based script-src`);
  assert.doesNotMatch(csp.get('script-src') ?? '', /unsafe-inline|unsafe-eval|\*/, `${name}: script-src`);
  assert.equal(csp.get('default-src'), "'none'", `${name}: default-src`);
  assert.equal(csp.get('frame-ancestors'), "'none'", `${name}: frame-ancestors`);
  assert.equal(csp.get('object-src'), "'none'", `${name}: object-src`);
  assert.equal(csp.get('base-uri'), "'none'", `${name}: base-uri`);
  assert.equal(page.headers.get('x-frame-options'), 'DENY', `${name}: X-Frame-Options`);
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer', `${name}: Referrer-Policy`);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff', `${name}: X-Content-Type-Options`);
}

/** POSTs a raw body with the agent's cookies, for bodies a form would never send. */
async function postRaw(agent: UserAgent, url: string, body: string, contentType: string): Promise<Page> {
  const cookie = await agent.jar.getCookieString(url);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, cookie }, body, redirect: 'manual' });
  return { status: response.status, url, body: await response.text(), headers: response.headers };
}

describe('page security', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const countConsents = async () => (await server.app.db.primary.selectFrom('consents').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  const accountExists = async (email: string) => (await server.admin('GET', `/admin/users/${encodeURIComponent(email)}`)).status === 200;

  describe('headers', () => {
    it('sends CSP, framing, referrer and sniffing protections on every HTML page', async () => {
      const agent = new UserAgent();
      const login = await openLogin(server, agent);
      const register = await openRegister(agent, login);
      const headersEmail = uniqueEmail('headers');
      const registered = await agent.submit(register, '/register', { email: headersEmail, password: 'header scan passphrase' });
      const checkEmail = await agent.request(registered.location!);
      const demoSignedIn = await agent.follow((await confirmEmail(agent, registered, headersEmail)).location!);
      const signOutHref = /href="([^"]*\/session\/end[^"]*)"/.exec(demoSignedIn.body)![1]!.replaceAll('&amp;', '&');
      const logout = await agent.request(new URL(signOutHref, demoSignedIn.url).href);
      const { consent } = await openConsent(server, await createThirdPartyClient(server));
      const pages: Record<string, Page> = {
        login,
        register,
        consent,
        'check your email': checkEmail,
        'logout confirmation': logout,
        'demo home': await agent.request(`${server.issuer}/demo`),
        'demo signed in': demoSignedIn,
        'provider error page': await agent.request(`${server.issuer}/auth?client_id=no-such-client`),
        'interaction error page': await agent.request(`${server.issuer}/interaction/no-such-interaction`),
        'not found page': await agent.request(`${server.issuer}/interaction/x/no-such-page`),
      };
      assert.match(logout.body, />Sign out<\/button>/, 'the logout confirmation page');
      for (const [name, page] of Object.entries(pages)) {
        assert.match(page.headers.get('content-type') ?? '', /^text\/html/, name);
        assertSecurityHeaders(page, name);
      }
      const nonces = [login, register].map((p) => /'nonce-([^']+)'/.exec(p.headers.get('content-security-policy')!)![1]);
      assert.notEqual(nonces[0], nonces[1], 'a fresh nonce per response');
    });

    it('marks sign-in, registration, consent and error pages Cache-Control: no-store', async () => {
      const agent = new UserAgent();
      const login = await openLogin(server, agent);
      const register = await openRegister(agent, login);
      const refused = await agent.submit(login, '/login', { email: uniqueEmail('nostore'), password: 'wrong passphrase' });
      const { consent } = await openConsent(server, await createThirdPartyClient(server));
      const error = await agent.request(`${server.issuer}/interaction/no-such-interaction`);
      for (const [name, page] of Object.entries({ login, register, refused, consent, error })) {
        assert.match(page.headers.get('cache-control') ?? '', /no-store/, name);
      }
    });

    it('sets every cookie HttpOnly and SameSite=Lax', async () => {
      const agent = new UserAgent();
      const seen: string[] = [];
      const track = (page: Page) => seen.push(...page.headers.getSetCookie());
      let page = await agent.request(`${server.issuer}/demo/login`);
      for (; page.location; page = await agent.request(page.location)) track(page);
      const cookiesEmail = uniqueEmail('cookies');
      const registered = await agent.submit(await openRegister(agent, page), '/register', { email: cookiesEmail, password: 'cookie scan passphrase' });
      track(registered);
      const confirmed = await confirmEmail(agent, registered, cookiesEmail);
      track(confirmed);
      for (page = await agent.request(confirmed.location!); page.location; page = await agent.request(page.location)) track(page);
      track(page);
      const names = seen.map((c) => c.split('=')[0]);
      for (const expected of ['portcullis.demo', 'portcullis.interaction', 'portcullis.resume', 'portcullis.session']) {
        assert.ok(names.includes(expected), `${expected} was set (saw ${names.join(', ')})`);
      }
      for (const cookie of seen.filter((c) => !/expires=Thu, 01 Jan 1970/i.test(c))) {
        assert.match(cookie, /;\s*httponly/i, cookie);
        assert.match(cookie, /;\s*samesite=lax/i, cookie);
      }
    });
  });

  describe('CSRF', () => {
    const badTokens = (other: string) => ({ missing: undefined, wrong: 'AAAA' + other.slice(4), empty: '', 'from another interaction': other });

    it('refuses a login POST without the right token and signs nobody in', async () => {
      const email = uniqueEmail('csrf-login');
      const password = 'csrf login passphrase';
      const agent = new UserAgent();
      await agent.submit(await openRegister(agent, await openLogin(server, agent)), '/register', { email, password });
      const attacker = new UserAgent();
      const other = csrfToken((await openLogin(server, attacker)).body);
      const login = await openLogin(server, attacker);
      const action = `${server.issuer}/interaction/${interactionUid(login)}/login`;
      for (const [label, csrf] of Object.entries(badTokens(other))) {
        const response = await attacker.request(action, { form: { email, password, ...(csrf !== undefined && { csrf }) } });
        assert.equal(response.status, 403, label);
        assert.match(alertText(response.body) ?? '', /expired or was not sent from this site/, label);
      }
      const stillLogin = await attacker.request(login.url);
      assert.match(stillLogin.body, /<h1>Sign in<\/h1>/, 'the interaction is still waiting for a login');
      assert.equal((await attacker.submit(login, '/login', { email, password })).status, 303, 'the real form still works');
    });

    it('refuses a registration POST without the right token and creates no account', async () => {
      const agent = new UserAgent();
      const other = csrfToken((await openLogin(server, agent)).body);
      const register = await openRegister(agent, await openLogin(server, agent));
      const action = `${server.issuer}/interaction/${interactionUid(register)}/register`;
      for (const [label, csrf] of Object.entries(badTokens(other))) {
        const email = uniqueEmail('csrf-register');
        const response = await agent.request(action, { form: { email, password: 'csrf register passphrase', ...(csrf !== undefined && { csrf }) } });
        assert.equal(response.status, 403, label);
        assert.equal(await accountExists(email), false, label);
      }
    });

    it('refuses Allow and Deny without the right token and stores no consent', async () => {
      const { agent, consent } = await openConsent(server, await createThirdPartyClient(server));
      const { consent: otherConsent } = await openConsent(server, await createThirdPartyClient(server));
      const before = await countConsents();
      const uid = interactionUid(consent);
      for (const step of ['consent', 'deny']) {
        for (const [label, csrf] of Object.entries(badTokens(csrfToken(otherConsent.body)))) {
          const response = await agent.request(`${server.issuer}/interaction/${uid}/${step}`, { form: csrf === undefined ? {} : { csrf } });
          assert.equal(response.status, 403, `${step}: ${label}`);
        }
      }
      assert.equal(await countConsents(), before);
      const allowed = await agent.submit(consent, '/consent', {});
      assert.equal(allowed.status, 303, 'the real Allow still works');
      assert.equal(await countConsents(), before + 1);
    });

    it('changes nothing over GET: the login, consent and deny actions are POST-only', async () => {
      const { agent, consent } = await openConsent(server, await createThirdPartyClient(server));
      const before = await countConsents();
      const uid = interactionUid(consent);
      for (const step of ['login', 'consent', 'deny']) {
        const response = await agent.request(`${server.issuer}/interaction/${uid}/${step}?csrf=${csrfToken(consent.body)}`);
        assert.ok(response.status >= 400 && response.status < 500, `GET ${step}: ${response.status}`);
        assert.equal(response.location, undefined, `GET ${step} does not continue the flow`);
      }
      assert.equal(await countConsents(), before);
      const again = await agent.request(consent.url);
      assert.match(again.body, />Allow<\/button>/, 'the consent is still pending');
    });
  });

  describe('hostile form bodies', () => {
    const steps = ['login', 'register', 'consent', 'deny'];
    const formUrl = (page: Page, step: string) => `${new URL(page.url).origin}/interaction/${interactionUid(page)}/${step}`;

    it('answers a 1 MB body with 413', async () => {
      const agent = new UserAgent();
      const login = await openLogin(server, agent);
      const body = `csrf=${csrfToken(login.body)}&email=${'a'.repeat(1024 * 1024)}&password=x`;
      for (const step of steps) assert.equal((await postRaw(agent, formUrl(login, step), body, 'application/x-www-form-urlencoded')).status, 413, step);
    });

    it('answers JSON, multipart and text bodies with 415', async () => {
      const agent = new UserAgent();
      const login = await openLogin(server, agent);
      const csrf = csrfToken(login.body);
      const bodies: [string, string][] = [
        ['application/json', JSON.stringify({ csrf, email: 'a@example.com', password: 'json passphrase' })],
        ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--x--\r\n`],
        ['text/plain', `csrf=${csrf}&email=a@example.com&password=x`],
      ];
      for (const step of steps) {
        for (const [type, body] of bodies) {
          const response = await postRaw(agent, formUrl(login, step), body, type);
          assert.equal(response.status, 415, `${step} ${type}`);
          assert.doesNotMatch(alertText(response.body) ?? '', /JSON/, `${step}: the message must not suggest JSON`);
        }
      }
    });

    it('answers broken percent-encoding, invalid UTF-8 and NUL bytes with 400 and writes nothing', async () => {
      const agent = new UserAgent();
      const register = await openRegister(agent, await openLogin(server, agent));
      const csrf = encodeURIComponent(csrfToken(register.body));
      const before = (await server.admin('GET', '/admin/users?limit=1000')).body.users.length;
      const bodies = {
        'invalid UTF-8 in the email': `csrf=${csrf}&email=%FF%FEa%40example.com&password=invalid+utf8+passphrase`,
        'a truncated UTF-8 sequence in the name': `csrf=${csrf}&email=t${Date.now()}%40example.com&name=Zo%C3&password=truncated+passphrase`,
        'a lone %': `csrf=${csrf}&email=a%40example.com&password=100%`,
        'a non-hex escape': `csrf=${csrf}&email=a%ZZ%40example.com&password=non+hex+passphrase`,
        'a NUL in the email': `csrf=${csrf}&email=a%00b%40example.com&password=nul+byte+passphrase`,
        'a NUL in the name': `csrf=${csrf}&email=n${Date.now()}%40example.com&name=a%00b&password=nul+byte+passphrase`,
      };
      for (const step of ['login', 'register']) {
        for (const [label, body] of Object.entries(bodies)) {
          const response = await postRaw(agent, formUrl(register, step), body, 'application/x-www-form-urlencoded');
          assert.equal(response.status, 400, `${step}: ${label}`);
          assert.ok(alertText(response.body), `${step}: ${label} shows a message`);
        }
      }
      assert.equal((await server.admin('GET', '/admin/users?limit=1000')).body.users.length, before);
    });

    it('refuses raw bytes that are not UTF-8 with 400 instead of storing U+FFFD', async () => {
      const agent = new UserAgent();
      const register = await openRegister(agent, await openLogin(server, agent));
      const cookie = await agent.jar.getCookieString(formUrl(register, 'register'));
      const email = uniqueEmail('raw-bytes');
      const start = Buffer.from(`csrf=${encodeURIComponent(csrfToken(register.body))}&email=${encodeURIComponent(email)}&password=raw+bytes+passphrase&name=`);
      for (const [label, bytes] of [['a lone 0xFF byte', [0xff]], ['a truncated sequence', [0x5a, 0x6f, 0xc3]], ['an encoded surrogate', [0xed, 0xa0, 0x80]]] as const) {
        for (const step of ['login', 'register']) {
          const response = await fetch(formUrl(register, step), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new Uint8Array(Buffer.concat([start, Buffer.from(bytes)])), redirect: 'manual' });
          assert.equal(response.status, 400, `${step}: ${label}`);
          assert.match(alertText(await response.text()) ?? '', /not valid text/, `${step}: ${label}`);
        }
      }
      assert.equal(await accountExists(email), false, 'no account with a mangled name');
    });

    it('refuses a 10 KB email with a message instead of processing it', async () => {
      const agent = new UserAgent();
      const register = await openRegister(agent, await openLogin(server, agent));
      for (const step of ['login', 'register']) {
        const big = await agent.request(formUrl(register, step), { form: { csrf: csrfToken(register.body), email: `${'a'.repeat(10 * 1024)}@example.com`, password: 'ten kilobyte passphrase' } });
        assert.equal(big.status, 400, step);
        assert.match(alertText(big.body) ?? '', /email/i, step);
      }
    });

    it('escapes HTML and SQL metacharacters from every field in the re-rendered page', async () => {
      const agent = new UserAgent();
      const register = await openRegister(agent, await openLogin(server, agent));
      const evil = `"'><script>alert(1)</script><img src=x onerror=alert(1)>' OR '1'='1'; DROP TABLE accounts;--`;
      for (const step of ['login', 'register']) {
        for (const email of [evil, `${evil}@example.com`, `x@example.com${evil}`]) {
          const response = await agent.request(formUrl(register, step), { form: { csrf: csrfToken(register.body), email, name: evil, password: evil } });
          assert.ok(response.status >= 400 && response.status < 500, `${step}: ${response.status}`);
          assert.ok(!response.body.includes('<script>alert'), `${step}: no raw <script> reflected`);
          assert.ok(!response.body.includes('<img src=x'), `${step}: no raw <img> reflected`);
          assert.ok(!response.body.includes("'>"), `${step}: no attribute break-out`);
        }
      }
      const evilEmail = uniqueEmail('evil');
      const evilName = await agent.submit(register, '/register', { email: evilEmail, name: evil, password: 'evil name passphrase' });
      assert.equal(evilName.status, 303, 'a hostile name is stored as text');
      const demo = await agent.follow((await confirmEmail(agent, evilName, evilEmail)).location!);
      assert.ok(!demo.body.includes('<script>alert'), 'the demo shows the stored name escaped');
      assert.ok(await server.app.db.primary.selectFrom('accounts').select('id').where('name', '=', evil).executeTakeFirst(), 'the name is stored verbatim');
    });

    it('shows a 4xx error page for an unknown, expired or foreign interaction', async () => {
      const agent = new UserAgent();
      const login = await openLogin(server, agent);
      const uid = interactionUid(login);
      const foreign = await new UserAgent().request(login.url);
      const unknown = await agent.request(`${server.issuer}/interaction/${'x'.repeat(43)}`);
      await server.app.db.primary.deleteFrom('oidc_payloads').where('model', '=', 'Interaction').where('id', '=', uid).execute();
      const expired = await agent.request(login.url);
      const expiredPost = await agent.submit(login, '/login', { email: 'a@example.com', password: 'expired passphrase' });
      for (const [name, page] of Object.entries({ foreign, unknown, expired, expiredPost })) {
        assert.ok(page.status >= 400 && page.status < 500, `${name}: ${page.status}`);
        assert.match(alertText(page.body) ?? '', /expired/, name);
      }
    });

    it('shows a 4xx error page, not a 500, for a NUL byte in the client_id of a page request', async () => {
      const auth = new URLSearchParams({ client_id: 'a\0b', response_type: 'code', scope: 'openid', redirect_uri: 'https://app.example/cb', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      for (const path of [`/auth?${auth}`, '/session/end?client_id=a%00b']) {
        const page = await new UserAgent().request(`${server.issuer}${path}`, { headers: { accept: 'text/html' } });
        assert.ok(page.status >= 400 && page.status < 500, `${path}: ${page.status}`);
        assert.match(page.headers.get('content-type') ?? '', /^text\/html/, path);
      }
    });
  });

  describe('over https', () => {
    let secure: TestServer;
    before(async () => {
      secure = await startTestServer({ ISSUER: 'https://auth.example.test', TRUST_PROXY: 'true' });
    });
    after(() => secure.close());

    it('names the session cookie __Host- and marks every cookie Secure, and sends HSTS', async () => {
      // The test talks plain HTTP to the listener, as the TLS-terminating proxy in front would.
      const origin = `http://localhost:${secure.app.config.http.port}`;
      const jar = new Map<string, string>();
      const seen: string[] = [];
      const go = async (path: string, form?: Record<string, string>) => {
        const headers: Record<string, string> = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'auth.example.test', cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
        if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
        const response = await fetch(`${origin}${path}`, { method: form ? 'POST' : 'GET', headers, body: form && new URLSearchParams(form), redirect: 'manual' });
        for (const cookie of response.headers.getSetCookie()) {
          seen.push(cookie);
          const [pair] = cookie.split(';');
          jar.set(pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1));
        }
        return { response, body: await response.text(), next: response.headers.get('location')?.replace('https://auth.example.test', '') };
      };
      const auth = new URLSearchParams({ client_id: 'portcullis-demo', response_type: 'code', scope: 'openid', redirect_uri: 'https://auth.example.test/demo/callback', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      const started = await go(`/auth?${auth}`);
      assert.match(started.response.headers.get('strict-transport-security') ?? '', /max-age=(3153600\d|[4-9]\d{7,})/);
      const register = await go(`${started.next!}/register`);
      const httpsEmail = uniqueEmail('https');
      const posted = await go(`${started.next!}/register`, { csrf: csrfToken(register.body), email: httpsEmail, password: 'secure cookie passphrase' });
      assert.equal(posted.response.status, 303);
      const step = await go(posted.next!);
      const { code } = await verificationMail(secure.issuer, httpsEmail);
      const confirmed = await go(`${posted.next!}/verify-email/code`, { csrf: csrfToken(step.body), code });
      assert.equal(confirmed.response.status, 303);
      await go(confirmed.next!);
      const session = seen.find((c) => c.startsWith('__Host-portcullis.session='));
      assert.ok(session, `a __Host- session cookie (saw ${seen.map((c) => c.split('=')[0]).join(', ')})`);
      assert.match(session, /;\s*path=\/(;|$)/i);
      assert.doesNotMatch(session, /;\s*domain=/i);
      for (const cookie of seen) {
        assert.match(cookie.split('=')[0]!, /^__(Host|Secure)-/, cookie);
        assert.match(cookie, /;\s*secure/i, cookie);
        assert.match(cookie, /;\s*httponly/i, cookie);
      }
    });
  });
});

/**
 * Branding (branding/): BRAND_* variables and `PATCH /admin/branding` (a stored field wins) on
 * every page (title, header name and logo, footer links, colour), in discovery only when set, and
 * the client's own logo and links on the consent page. Hostile values are refused with a 400
 * naming the field (branding.service.test.ts: a stored value that fails the rules never reaches a page).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, type Page } from './support/user-agent.js';
import { authorizationRequest, createClient, isConsentPage, register, relyingParty, uniqueEmail } from './support/oidc-harness.js';

const ENV = {
  BRAND_PRODUCT_NAME: 'Acme ID',
  BRAND_LOGO_URL: 'https://cdn.acme.example/logo.svg',
  BRAND_PRIMARY_COLOR: '#0F766E',
  BRAND_SUPPORT_URL: 'https://help.acme.example/',
};

const cspOf = (page: Page) => page.headers.get('content-security-policy') ?? '';
const imgSrc = (page: Page) => cspOf(page).split('; ').find((d) => d.startsWith('img-src ')) ?? '';

describe('branding', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(ENV);
  });
  after(() => server.close());

  const page = () => new UserAgent().request(`${server.issuer}/no-such-page`);
  const discovery = async () => (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  const auditTypes = async () => ((await server.admin('GET', '/admin/audit?since=1h')).body.events as { type: string; detail: Record<string, unknown> }[]).map((e) => e.type);

  it('shows the environment branding on every page: title, name, logo, colour and support link', async () => {
    const shown = await page();
    assert.match(shown.body, /<title>Page not found · Acme ID<\/title>/);
    assert.match(shown.body, /<p class="brand"><img class="brand-logo" src="https:\/\/cdn\.acme\.example\/logo\.svg" alt="" height="32">Acme ID<\/p>/);
    assert.match(shown.body, /<a href="https:\/\/help\.acme\.example\/">Help<\/a>/);
    // The colour sits in a <style> with this response's CSP nonce, lower-cased; white on it.
    const nonce = /'nonce-([^']+)'/.exec(cspOf(shown))?.[1];
    assert.ok(nonce);
    assert.ok(shown.body.includes(`<style nonce="${nonce}">:root{--primary:#0f766e;--primary-hover:#0b5953;--on-primary:#ffffff}</style>`), shown.body.slice(0, 800));
    // The logo's origin, and nothing else of it, may load images.
    assert.equal(imgSrc(shown), "img-src 'self' data: https://cdn.acme.example");
  });

  it('puts the links in discovery only when set', async () => {
    const before = await discovery();
    assert.equal(before.service_documentation, 'https://help.acme.example/');
    assert.equal('op_policy_uri' in before, false);
    assert.equal('op_tos_uri' in before, false);

    assert.equal((await server.admin('PATCH', '/admin/branding', { privacy_url: 'https://acme.example/privacy', terms_url: 'https://acme.example/terms' })).status, 200);
    const after = await discovery();
    assert.equal(after.op_policy_uri, 'https://acme.example/privacy');
    assert.equal(after.op_tos_uri, 'https://acme.example/terms');
    const rfc8414 = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(rfc8414.op_policy_uri, 'https://acme.example/privacy');
    const footer = await page();
    assert.match(footer.body, /<a href="https:\/\/acme\.example\/privacy">Privacy<\/a><a href="https:\/\/acme\.example\/terms">Terms<\/a>/);

    assert.equal((await server.admin('DELETE', '/admin/branding')).status, 200);
    const reset = await discovery();
    assert.equal('op_policy_uri' in reset, false);
    assert.equal(reset.service_documentation, 'https://help.acme.example/');
  });

  it('lets a stored field win over the environment, resets to it, and audits both', async () => {
    const set = await server.admin('PATCH', '/admin/branding', { product_name: 'Acme Accounts', primary_color: '#FDE68A' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.stored, { product_name: 'Acme Accounts', primary_color: '#fde68a' });
    assert.equal(set.body.environment.product_name, 'Acme ID');
    assert.equal(set.body.effective.product_name, 'Acme Accounts');
    assert.equal(set.body.effective.logo_url, 'https://cdn.acme.example/logo.svg', 'fields not stored keep the environment value');
    const shown = await page();
    assert.match(shown.body, /<title>Page not found · Acme Accounts<\/title>/);
    // A light colour gets dark text on it.
    assert.match(shown.body, /--primary:#fde68a;[^}]*--on-primary:#111827/);

    const reset = await server.admin('DELETE', '/admin/branding');
    assert.deepEqual(reset.body.stored, {});
    assert.match((await page()).body, /<title>Page not found · Acme ID<\/title>/);
    const types = await auditTypes();
    assert.ok(types.includes('branding.updated') && types.includes('branding.reset'), types.join(' '));
  });

  it('refuses hostile values with a 400 naming the field, and stores nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ primary_color: 'red;}body{display:none' }, /primary_color: .*must be a colour written #rrggbb/],
      [{ primary_color: '#0f766e;background:url(https://evil.example/x)' }, /primary_color/],
      [{ primary_color: 'expression(alert(1))' }, /primary_color/],
      [{ logo_url: 'javascript:alert(1)' }, /logo_url: .*must be an https:\/\/ URL or a path on this server/],
      [{ logo_url: 'data:image/svg+xml,<svg onload=alert(1)>' }, /logo_url/],
      [{ logo_url: '//evil.example/logo.png' }, /logo_url/],
      [{ logo_url: '/\\evil.example/logo.png' }, /logo_url/],
      [{ support_url: 'javascript:alert(1)' }, /support_url: .*must be an https:\/\/ URL, not javascript:/],
      [{ privacy_url: 'http://acme.example/privacy' }, /privacy_url: .*not http:/],
      [{ terms_url: 'https://user:secret@acme.example/terms' }, /terms_url: .*user name or password/],
      [{ product_name: '' }, /product_name: must not be empty/],
      [{ product_name: 'x'.repeat(61) }, /product_name: must be at most 60/],
      [{ favicon: 'https://acme.example/f.ico' }, /favicon|unrecognized/i],
      [{}, /at least one field/],
    ];
    for (const [body, error] of cases) {
      const answer = await server.admin('PATCH', '/admin/branding', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error, 'branding.invalid');
      assert.match(answer.body.message, error, JSON.stringify(body));
    }
    assert.deepEqual((await server.admin('GET', '/admin/branding')).body.stored, {});
  });

  it('escapes the product name and shows a logo on this server without widening img-src', async () => {
    await server.admin('PATCH', '/admin/branding', { product_name: '<script>alert(1)</script>', logo_url: '/assets/logo.svg' });
    try {
      const shown = await page();
      assert.ok(!shown.body.includes('<script>alert(1)'));
      assert.match(shown.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/p>/);
      assert.match(shown.body, /<img class="brand-logo" src="\/assets\/logo\.svg"/);
      assert.equal(imgSrc(shown), "img-src 'self' data:");
    } finally {
      await server.admin('DELETE', '/admin/branding');
    }
  });
});

describe('the client on the consent page', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("shows the client's logo, name and links from its registration, and lets only the logo's origin load images", async () => {
    const registered = await createClient(server, {
      client_name: 'Shop & Co',
      logo_uri: 'https://static.shop.example/logo.png',
      client_uri: 'https://shop.example/',
      policy_uri: 'https://shop.example/privacy',
      tos_uri: 'https://shop.example/terms',
    });
    assert.equal((registered as unknown as { logo_uri: string }).logo_uri, 'https://static.shop.example/logo.png');
    const agent = new UserAgent();
    const { url } = await authorizationRequest(await relyingParty(server, registered));
    const consent = await register(agent, await agent.follow(url), uniqueEmail('consent'));
    assert.ok(isConsentPage(consent));
    assert.match(consent.body, /<img class="client-logo" src="https:\/\/static\.shop\.example\/logo\.png" alt=""/);
    assert.match(consent.body, /<span class="client-name">Shop &amp; Co<\/span> wants to access your account/);
    assert.match(consent.body, /<a href="https:\/\/shop\.example\/" rel="noopener noreferrer">Website<\/a>/);
    assert.match(consent.body, /<a href="https:\/\/shop\.example\/privacy" rel="noopener noreferrer">Privacy policy<\/a>/);
    assert.match(consent.body, /<a href="https:\/\/shop\.example\/terms" rel="noopener noreferrer">Terms of service<\/a>/);
    assert.equal(imgSrc(consent), "img-src 'self' data: https://static.shop.example");
  });

  it('shows no logo or links for a client that registered none', async () => {
    const registered = await createClient(server, { client_name: 'Plain' });
    const agent = new UserAgent();
    const { url } = await authorizationRequest(await relyingParty(server, registered));
    const consent = await register(agent, await agent.follow(url), uniqueEmail('plain'));
    assert.ok(isConsentPage(consent));
    assert.ok(!consent.body.includes('client-logo'));
    assert.ok(!consent.body.includes('client-links'));
    assert.equal(imgSrc(consent), "img-src 'self' data:");
  });

  it('refuses a logo or link that is not https at registration and on update, naming the field', async () => {
    for (const [field, value] of [
      ['logo_uri', 'javascript:alert(1)'],
      ['client_uri', 'http://shop.example/'],
      ['policy_uri', 'data:text/html,<script>alert(1)</script>'],
      ['tos_uri', 'not a url'],
    ] as const) {
      const created = await server.admin('POST', '/admin/clients', { client_name: 'Bad', redirect_uris: ['https://app.example.test/callback'], [field]: value });
      assert.equal(created.status, 400, `${field} ${value}`);
      assert.match(created.body.message, new RegExp(`^${field}: must be an`), created.body.message);
    }
    const client = await createClient(server, { client_name: 'Later' });
    const updated = await server.admin('PATCH', `/admin/clients/${client.client_id}`, { logo_uri: 'javascript:alert(1)' });
    assert.equal(updated.status, 400);
    const cleared = await server.admin('PATCH', `/admin/clients/${client.client_id}`, { client_uri: 'https://later.example/' });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.client_uri, 'https://later.example/');
    assert.equal((await server.admin('PATCH', `/admin/clients/${client.client_id}`, { client_uri: null })).body.client_uri, null);
  });
});

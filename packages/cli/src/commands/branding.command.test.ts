import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useFakeAdminApi } from '../testing/fake-admin-api.js';
import { envFor, run } from '../testing/run.js';
import { clientBody } from '../testing/fixtures.js';

const view = {
  stored: { primary_color: '#0f766e' },
  environment: { product_name: 'Acme ID', primary_color: '#1d4ed8' },
  effective: { product_name: 'Acme ID', primary_color: '#0f766e' },
};

void describe('portcullis branding', () => {
  const api = useFakeAdminApi();

  void it('show prints each value pages use and where it comes from', async () => {
    api.reply = () => ({ status: 200, body: view });
    const result = await run(['branding', 'show'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'GET');
    assert.equal(api.requests[0]?.url, '/admin/branding');
    assert.match(result.stdout, /Product name \(environment\) +Acme ID/);
    assert.match(result.stdout, /Primary colour \(stored\) +#0f766e/);
    assert.match(result.stdout, /^Logo \(default\) +-$/m);
  });

  void it('set PATCHes only the fields given, checked and normalised', async () => {
    api.reply = () => ({ status: 200, body: view });
    const result = await run(['branding', 'set', '--primary-color', '#0F766E', '--support-url', 'https://help.acme.example/', '--json'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'PATCH');
    assert.deepEqual(api.requests[0]?.body, { primary_color: '#0f766e', support_url: 'https://help.acme.example/' });
    assert.deepEqual(JSON.parse(result.stdout), view);
  });

  void it('refuses hostile values with exit 2, naming the flag, before sending anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--primary-color', 'red;}body{display:none'], /^portcullis: --primary-color: must be a colour written #rrggbb/],
      [['--primary-color', '#fff'], /--primary-color: .*#rrggbb/],
      [['--logo-url', 'javascript:alert(1)'], /--logo-url: must be an https:\/\/ URL or a path on this server/],
      [['--logo-url', '//evil.example/logo.png'], /--logo-url: /],
      [['--support-url', 'http://help.example/'], /--support-url: must be an https:\/\/ URL, not http:/],
      [['--terms-url', 'data:text/html,hi'], /--terms-url: /],
      [['--product-name', 'Acme\nID'], /--product-name: must be one line/],
      [[], /nothing to set/],
    ];
    for (const [flags, error] of cases) {
      const result = await run(['branding', 'set', ...flags], envFor(api));
      assert.equal(result.code, 2, flags.join(' '));
      assert.match(result.stderr, error, flags.join(' '));
    }
    assert.equal(api.requests.length, 0);
  });

  void it('reset DELETEs the stored branding', async () => {
    api.reply = () => ({ status: 200, body: { ...view, stored: {} } });
    const result = await run(['branding', 'reset'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'DELETE');
    assert.match(result.stdout, /Stored branding forgotten/);
  });
});

void describe('portcullis clients: consent-page links', () => {
  const api = useFakeAdminApi();

  void it('sends --logo-uri, --client-uri, --policy-uri and --tos-uri on create', async () => {
    api.reply = () => ({ status: 201, body: clientBody() });
    const result = await run(
      ['clients', 'create', '--name', 'Shop', '--redirect-uri', 'https://shop.example/cb', '--logo-uri', 'https://shop.example/logo.png', '--client-uri', 'https://shop.example/', '--policy-uri', 'https://shop.example/privacy', '--tos-uri', 'https://shop.example/terms', '--json'],
      envFor(api),
    );
    assert.equal(result.code, 0, result.stderr);
    const body = api.requests[0]?.body as Record<string, unknown>;
    assert.equal(body.logo_uri, 'https://shop.example/logo.png');
    assert.equal(body.client_uri, 'https://shop.example/');
    assert.equal(body.policy_uri, 'https://shop.example/privacy');
    assert.equal(body.tos_uri, 'https://shop.example/terms');
  });

  void it("removes one with '' on update, and refuses a non-https one with exit 2", async () => {
    api.reply = () => ({ status: 200, body: clientBody() });
    const removed = await run(['clients', 'update', 'cl_123', '--tos-uri', ''], envFor(api));
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(api.requests[0]?.body, { tos_uri: null });
    for (const bad of ['javascript:alert(1)', 'http://shop.example/logo.png', 'https://user:pw@shop.example/x', 'not a url']) {
      const result = await run(['clients', 'update', 'cl_123', '--logo-uri', bad], envFor(api));
      assert.equal(result.code, 2, bad);
      assert.match(result.stderr, /^portcullis: --logo-uri "[^"]*" must /, bad);
    }
    assert.equal(api.requests.length, 1);
  });
});

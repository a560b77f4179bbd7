import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.js';
import { ConfigError } from './config.error.js';

describe('BRAND_* variables', () => {
  it('become the branding, normalised; none set is none', () => {
    const config = loadConfig({ BRAND_PRODUCT_NAME: ' Acme ID ', BRAND_PRIMARY_COLOR: '#0F766E', BRAND_LOGO_URL: '/assets/logo.svg', BRAND_TERMS_URL: 'https://acme.example/terms' });
    assert.deepEqual(config.branding, { product_name: 'Acme ID', primary_color: '#0f766e', logo_url: '/assets/logo.svg', terms_url: 'https://acme.example/terms' });
    assert.deepEqual(loadConfig({}).branding, {});
  });

  it('refuses hostile values, naming each variable', () => {
    assert.throws(
      () => loadConfig({ BRAND_PRIMARY_COLOR: 'red;}body{display:none', BRAND_LOGO_URL: 'javascript:alert(1)', BRAND_SUPPORT_URL: 'http://help.example/', BRAND_PRIVACY_URL: 'data:text/html,x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.message;
        for (const name of ['BRAND_PRIMARY_COLOR', 'BRAND_LOGO_URL', 'BRAND_SUPPORT_URL', 'BRAND_PRIVACY_URL']) assert.match(text, new RegExp(name), text);
        assert.match(text, /#rrggbb/);
        return true;
      },
    );
  });
});

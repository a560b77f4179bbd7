import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hexColour, httpsUrl, imageUrl, logoUrl, productName } from './public-links.js';
import { clientCreateInputSchema } from './client-input.schemas.js';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: string) => schema.safeParse(value).success;

describe('public links', () => {
  it('accepts https links and refuses every other scheme, credentials and junk', () => {
    assert.ok(ok(httpsUrl, 'https://help.acme.example/path?q=1'));
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', 'http://acme.example/', 'ftp://acme.example/', 'https://u:p@acme.example/', '/relative', '//acme.example/x', 'vbscript:msgbox', '']) {
      assert.equal(ok(httpsUrl, bad), false, bad);
    }
  });

  it('accepts a logo on https or on this server, never on another host without a scheme', () => {
    assert.ok(ok(logoUrl, 'https://cdn.acme.example/logo.svg'));
    assert.ok(ok(logoUrl, '/assets/logo.svg'));
    for (const bad of ['//evil.example/logo.png', '/\\evil.example/logo.png', 'javascript:alert(1)', 'data:image/svg+xml,<svg/>', 'http://cdn.acme.example/logo.svg', '/a b.png', '/x"onerror="alert(1)']) {
      assert.equal(ok(logoUrl, bad), false, bad);
    }
  });

  it('refuses an image host that could end or widen the CSP img-src directive', () => {
    for (const bad of ["https://a;b.example/logo.png", 'https://a,b.example/logo.png', "https://a'b.example/logo.png", 'https://*.example/logo.png', 'https://[::1]/logo.png']) {
      assert.equal(ok(logoUrl, bad), false, bad);
      assert.equal(ok(imageUrl, bad), false, bad);
      assert.equal(clientCreateInputSchema.safeParse({ client_name: 'X', logo_uri: bad }).success, false, bad);
    }
    for (const good of ['https://cdn-1.acme.example:8443/logo.png', 'https://bücher.example/logo.png']) assert.ok(ok(imageUrl, good), good);
    assert.ok(ok(httpsUrl, 'https://a;b.example/'), 'a link (not an image) keeps the URL rules');
  });

  it('accepts #rrggbb colours only, lower-cased', () => {
    assert.equal(hexColour.parse('#0F766E'), '#0f766e');
    for (const bad of ['red', '#fff', '#0f766e;', '#0f766e}body{x:y', 'expression(1)', 'rgb(0,0,0)', '#0f766e ff']) assert.equal(ok(hexColour, bad), false, bad);
  });

  it('takes a product name of one line, up to 60 characters', () => {
    assert.ok(ok(productName, 'Acme ID'));
    for (const bad of ['', '   ', 'a\nb', 'a\u0000b', 'x'.repeat(61)]) assert.equal(ok(productName, bad), false, JSON.stringify(bad));
  });
});

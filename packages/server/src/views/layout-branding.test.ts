import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { html, renderDocument } from '../http/html.js';
import { runWithBranding, type Branding } from '../branding/branding-scope.js';
import { runWithLocale } from '../messages/locale-scope.js';
import { layoutView } from './layout.view.js';
import { consentView } from './consent.view.js';
import { HOSTILE, assertEscaped, elements, tags } from './views.test-support.js';

const render = (branding: Branding) => runWithBranding(branding, () => renderDocument(layoutView({ title: 'T', body: html`<p>x</p>`, nonce: 'n0nce' })));

void describe('layoutView: language and branding', () => {
  void it('says the request language in <html lang> and the footer', () => {
    const doc = runWithLocale('fr', () => runWithBranding({ productName: 'Acme', privacyUrl: 'https://acme.example/p' }, () => renderDocument(layoutView({ title: 'T', body: html``, nonce: 'n' }))));
    assert.match(doc, /^<!DOCTYPE html>\n<html lang="fr">/i);
    assert.equal(elements(doc, 'a').find((a) => a.attrs.get('href') === 'https://acme.example/p')?.text, 'Confidentialité');
  });

  void it('shows the product name, logo and links, and a colour only as checked custom properties', () => {
    const doc = render({ productName: 'Acme ID', logoUrl: 'https://cdn.acme.example/l.svg', primaryColor: '#0f766e', supportUrl: 'https://help.acme.example/', termsUrl: 'https://acme.example/t' });
    // The one inline <style> a page may have (assertPageInvariants allows none): nonce'd, custom properties only.
    assert.equal(elements(doc, 'title')[0]?.text, 'T · Acme ID');
    assert.ok(tags(doc).some((t) => t.name === 'img' && t.attrs.get('src') === 'https://cdn.acme.example/l.svg' && t.attrs.get('alt') === ''));
    assert.deepEqual(elements(doc, 'a').map((a) => a.text), ['Help', 'Terms']);
    assert.match(doc, /<style nonce="n0nce">:root\{--primary:#0f766e;[^<]*\}<\/style>/);
  });

  void it('draws no style, footer or logo when none is configured', () => {
    const doc = render({ productName: 'Portcullis' });
    assert.ok(!doc.includes('<style'));
    assert.ok(!doc.includes('<footer'));
    assert.ok(!doc.includes('brand-logo'));
  });

  void it('escapes the product name, blocks script URLs and drops a colour that is not #rrggbb', () => {
    for (const payload of HOSTILE) assertEscaped(render({ productName: payload }), payload);
    const doc = render({ productName: 'x', logoUrl: 'javascript:alert(1)', supportUrl: 'javascript:alert(2)', primaryColor: 'red;}*{display:none' });
    assert.ok(!doc.includes('javascript:'));
    assert.ok(!doc.includes('display:none'));
  });

  void it("shows a client's logo and links on the consent page, escaped and https only", () => {
    const doc = renderDocument(
      consentView({
        nonce: 'n', csrfToken: 'c', allowAction: '/a', denyAction: '/d', clientName: '<b>Shop</b>', scopes: [], accountEmail: 'a@b.c',
        clientLogoUri: 'https://shop.example/l.png', clientUri: 'javascript:alert(1)', clientPolicyUri: 'https://shop.example/p',
      }),
    );
    assertEscaped(doc, '<b>Shop</b>');
    assert.ok(tags(doc).some((t) => t.name === 'img' && t.attrs.get('src') === 'https://shop.example/l.png'));
    assert.ok(!doc.includes('javascript:'));
    assert.ok(elements(doc, 'a').some((a) => a.attrs.get('href') === 'https://shop.example/p' && a.text === 'Privacy policy'));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { html, renderDocument } from '../http/html.js';
import { STYLESHEET_HREF } from './assets.js';
import { layoutView } from './layout.view.js';
import { HOSTILE, assertEscaped, assertPageInvariants, elements, tags } from './views.test-support.js';

const render = (title: string) => renderDocument(layoutView({ title, body: html`<p id="body">Hello</p>`, nonce: 'n0nce' }));

void describe('layoutView', () => {
  void it('renders a full English document with charset, viewport and the product title', () => {
    const doc = render('Sign in');
    assertPageInvariants(doc);
    const all = tags(doc);
    assert.ok(all.some((t) => t.name === 'meta' && t.attrs.get('charset') === 'utf-8'));
    assert.ok(all.some((t) => t.name === 'meta' && t.attrs.get('name') === 'viewport'));
    assert.equal(elements(doc, 'title')[0]?.text, 'Sign in · Portcullis');
  });

  void it('links the same-origin stylesheet and nothing else that loads', () => {
    const doc = render('x');
    const links = tags(doc).filter((t) => t.name === 'link');
    assert.deepEqual(
      links.map((l) => [l.attrs.get('rel'), l.attrs.get('href')]),
      [
        ['icon', 'data:,'],
        ['stylesheet', STYLESHEET_HREF],
      ],
    );
    assert.equal(STYLESHEET_HREF, '/assets/portcullis.css');
  });

  void it('has a Portcullis header and puts the body inside <main>', () => {
    const doc = render('x');
    assert.equal(elements(doc, 'header')[0]?.text, 'Portcullis');
    const main = elements(doc, 'main');
    assert.equal(main.length, 1);
    assert.match(main[0]?.inner ?? '', /<p id="body">Hello<\/p>/);
  });

  void it('escapes the title', () => {
    for (const payload of HOSTILE) assertEscaped(render(payload), payload);
  });

  void it('does not print the nonce (no inline script or style needs it)', () => {
    assert.ok(!render('x').includes('n0nce'));
  });
});

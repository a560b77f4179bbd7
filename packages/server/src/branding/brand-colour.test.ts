import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { brandColourCss } from './brand-colour.js';

describe('brandColourCss', () => {
  it('sets the colour, a darker hover and the text colour that contrasts more', () => {
    assert.equal(brandColourCss('#1D4ED8'), ':root{--primary:#1d4ed8;--primary-hover:#163ba2;--on-primary:#ffffff}');
    assert.match(brandColourCss('#fde68a')!, /--on-primary:#111827/);
    assert.match(brandColourCss('#000000')!, /--on-primary:#ffffff/);
  });

  it('writes nothing for a value that is not #rrggbb, whatever got past the edge', () => {
    for (const bad of [undefined, 'red', '#fff', '#12345g', '#123456;}body{display:none', '#123456 ', 'url(x)']) assert.equal(brandColourCss(bad), undefined, String(bad));
  });
});

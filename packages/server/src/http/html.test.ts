import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BLOCKED_URL, escapeHtml, html, isSafeHtml, raw, renderDocument, safeUrl } from './html.js';
import type { HtmlValue } from './html.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';

void describe('escapeHtml', () => {
  void it('escapes the six characters that can end text or a quoted attribute', () => {
    assert.equal(escapeHtml(`& < > " ' \``), '&amp; &lt; &gt; &quot; &#39; &#96;');
  });

  void it('leaves other text, including Unicode, untouched', () => {
    assert.equal(escapeHtml('Zoë — 東京 🙂 a=b;c'), 'Zoë — 東京 🙂 a=b;c');
  });
});

void describe('html', () => {
  void it('escapes a script tag in text', () => {
    assert.equal(String(html`<p>${SCRIPT}</p>`), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  void it('stops an attribute-breaking payload from opening a new tag', () => {
    const out = String(html`<input value="${IMG}">`);
    assert.equal(out, '<input value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">');
    assert.doesNotMatch(out, /<img/);
  });

  void it('escapes both quote styles and backticks so no attribute can be broken out of', () => {
    const payload = `' onfocus='alert(1)' x=" autofocus \` y=`;
    const out = String(html`<a title="${payload}" data-x='${payload}'>x</a>`);
    assert.doesNotMatch(out, /['"`] onfocus/);
    assert.equal((out.match(/"/g) ?? []).length, 2, 'only the two quotes from the template remain');
    assert.equal((out.match(/'/g) ?? []).length, 2, 'only the two apostrophes from the template remain');
    assert.doesNotMatch(out, /`/);
  });

  void it('does not decode entities the caller already wrote as text', () => {
    assert.equal(String(html`${'&lt;b&gt;'}`), '&amp;lt;b&amp;gt;');
  });

  void it('inserts nested SafeHtml as-is, once', () => {
    const inner = html`<strong>${'a<b'}</strong>`;
    assert.equal(String(html`<p>${inner}</p>`), '<p><strong>a&lt;b</strong></p>');
  });

  void it('joins arrays, escaping strings and keeping SafeHtml', () => {
    const items = ['<x>', 'y'].map((s) => html`<li>${s}</li>`);
    assert.equal(String(html`<ul>${items}</ul>`), '<ul><li>&lt;x&gt;</li><li>y</li></ul>');
    assert.equal(String(html`${['<', html`<br>`, 1, [2, '&']]}`), '&lt;<br>12&amp;');
  });

  void it('renders null, undefined and false as nothing, and numbers as text', () => {
    assert.equal(String(html`a${null}b${undefined}c${false}d${0}e${10n}`), 'abcd0e10');
  });

  void it('refuses values it cannot render safely instead of printing them', () => {
    const notHtml = { toString: () => '<b>forged</b>' } as unknown as HtmlValue;
    assert.throws(() => html`${notHtml}`, TypeError);
    assert.throws(() => html`${true as unknown as HtmlValue}`, TypeError);
  });

  void it('cannot be fooled by an object that looks like SafeHtml', () => {
    const forged = JSON.parse('{"content":"<script>","toString":"<script>"}') as unknown;
    assert.equal(isSafeHtml(forged), false);
    assert.equal(isSafeHtml(html`x`), true);
  });
});

void describe('raw', () => {
  void it('inserts trusted markup unescaped', () => {
    assert.equal(String(html`<div>${raw('<form id="f"></form>')}</div>`), '<div><form id="f"></form></div>');
  });
});

void describe('renderDocument', () => {
  void it('prefixes the doctype', () => {
    assert.equal(renderDocument(html`<html lang="en"></html>`), '<!doctype html>\n<html lang="en"></html>');
  });
});

void describe('safeUrl', () => {
  void it('keeps relative and http(s) URLs', () => {
    for (const url of ['/interaction/abc/login', '?a=1&b=2', '#top', 'https://issuer.example/x', 'http://127.0.0.1:3000/']) {
      assert.equal(safeUrl(url), url);
    }
  });

  void it('blocks script, data and other schemes however they are disguised', () => {
    const hostile = [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      '\u0001javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'mailto:a@b.example',
      'http://[invalid',
    ];
    for (const url of hostile) assert.equal(safeUrl(url), BLOCKED_URL, JSON.stringify(url));
  });
});

// Test helpers for the views: a small regex-based reader for the HTML the views produce, and the
// invariants every page must keep. It relies on the views' own discipline (double-quoted attributes,
// escaped text), which is exactly what these tests check; it is not a general HTML parser.
import assert from 'node:assert/strict';

import { escapeHtml } from '../http/html.js';

/** Payloads injected into every user-supplied field. */
export const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'] as const;

export interface Tag {
  name: string;
  attrs: Map<string, string>;
  /** Offset of the tag's `<` in the document. */
  index: number;
}

const TAG = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=/>]+(?:\s*=\s*"[^"]*")?)*)\s*\/?>/g;
const ATTR = /([^\s=/>]+)(?:\s*=\s*"([^"]*)")?/g;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' };

export function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e: string) => ENTITIES[e] ?? '');
}

/** Every start tag with its (decoded) attributes. */
export function tags(doc: string): Tag[] {
  return [...doc.matchAll(TAG)].map((m) => {
    const attrs = new Map<string, string>();
    for (const a of (m[2] ?? '').matchAll(ATTR)) attrs.set((a[1] ?? '').toLowerCase(), decode(a[2] ?? ''));
    return { name: (m[1] ?? '').toLowerCase(), attrs, index: m.index };
  });
}

/** Visible text of an HTML fragment: tags stripped, entities decoded, whitespace collapsed. */
export function textOf(fragment: string): string {
  return decode(fragment.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

export interface Element {
  attrs: Map<string, string>;
  inner: string;
  text: string;
}

/** Elements named `name` (not nested in themselves), with their inner HTML and text. */
export function elements(doc: string, name: string): Element[] {
  const re = new RegExp(`<${name}\\b([^>]*)>([\\s\\S]*?)</${name}>`, 'gi');
  return [...doc.matchAll(re)].map((m) => {
    const tag = tags(`<${name}${m[1] ?? ''}>`)[0];
    return { attrs: tag?.attrs ?? new Map<string, string>(), inner: m[2] ?? '', text: textOf(m[2] ?? '') };
  });
}

/** The single element named `name` whose text is exactly `text`. */
export function elementWithText(doc: string, name: string, text: string): Element {
  const found = elements(doc, name).filter((e) => e.text === text);
  assert.equal(found.length, 1, `expected one <${name}> with text ${JSON.stringify(text)}, found ${found.length}`);
  return found[0] as Element;
}

/** The input whose `<label for>` has exactly this text. */
export function inputByLabel(doc: string, label: string): Map<string, string> {
  const id = elementWithText(doc, 'label', label).attrs.get('for');
  assert.ok(id, `label ${JSON.stringify(label)} has a for attribute`);
  const inputs = tags(doc).filter((t) => t.attrs.get('id') === id);
  assert.equal(inputs.length, 1, `exactly one element with id=${id}`);
  const input = inputs[0] as Tag;
  assert.equal(input.name, 'input', `label ${JSON.stringify(label)} points at an input`);
  return input.attrs;
}

/** Asserts a payload appears only escaped: never as markup. */
export function assertEscaped(doc: string, payload: string): void {
  assert.ok(!doc.includes(payload), `raw payload leaked: ${payload}`);
  assert.ok(doc.includes(escapeHtml(payload)), `escaped payload missing: ${payload}`);
}

/** Each `<form method="post">` with its inner HTML. */
export function postForms(doc: string): Element[] {
  return elements(doc, 'form').filter((f) => f.attrs.get('method')?.toLowerCase() === 'post');
}

/** Asserts each POST form carries a hidden input named `csrfName` with `token` as its value. */
export function assertCsrfInEveryPostForm(doc: string, token: string, csrfName = 'csrf'): void {
  const forms = postForms(doc);
  assert.ok(forms.length > 0, 'page has a POST form');
  for (const form of forms) {
    const hidden = tags(form.inner).filter((t) => t.name === 'input' && t.attrs.get('type') === 'hidden');
    assert.ok(
      hidden.some((t) => t.attrs.get('name') === csrfName && t.attrs.get('value') === token),
      `POST form to ${form.attrs.get('action')} carries the ${csrfName} input`,
    );
  }
}

export interface PageInvariantOptions {
  /** Hosts an absolute http(s) URL may point at (e.g. the issuer); none by default. */
  allowedHosts?: string[];
}

/** What every page guarantees: document shell, CSP-compatible markup, labels, no foreign URLs. */
export function assertPageInvariants(doc: string, options: PageInvariantOptions = {}): void {
  assert.ok(doc.startsWith('<!doctype html>\n<html lang="en">'), 'doctype and <html lang="en">');
  // The only script is the pages' own same-origin file, allowed by the page's nonce (parts.ts pageScript).
  assert.doesNotMatch(doc.replace(/<script src="\/assets\/portcullis\.js" nonce="[^"<>]+" defer><\/script>/g, ''), /<script/i, 'no <script> tags but the page script');
  assert.doesNotMatch(doc, /<style/i, 'no <style> tags');
  const all = tags(doc);
  // Every "<letter" must open a well-formed tag whose attribute values are double-quoted: this enforces
  // the quoting rule of html.ts and makes the checks below see every tag.
  assert.equal(all.length, (doc.match(/<[a-zA-Z]/g) ?? []).length, 'every tag parses, attributes double-quoted');
  for (const tag of all) {
    for (const attr of tag.attrs.keys()) {
      assert.notEqual(attr, 'style', `no style attribute on <${tag.name}>`);
      assert.ok(!attr.startsWith('on'), `no event handler attribute ${attr} on <${tag.name}>`);
    }
  }

  const allowed = new Set(options.allowedHosts ?? []);
  for (const m of decode(doc).matchAll(/https?:\/\/[^\s"'<>`]+/gi)) {
    const host = new URL(m[0]).host;
    assert.ok(allowed.has(host), `no URL to another host: ${m[0]}`);
  }

  const ids = all.map((t) => t.attrs.get('id')).filter((id) => id !== undefined);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');

  const labelled = new Set(all.filter((t) => t.name === 'label').map((t) => t.attrs.get('for')));
  for (const input of all.filter((t) => t.name === 'input' || t.name === 'select' || t.name === 'textarea')) {
    const type = input.attrs.get('type');
    if (type === 'hidden' || type === 'submit') continue;
    const id = input.attrs.get('id');
    assert.ok(id !== undefined && labelled.has(id), `input ${input.attrs.get('name')} has a <label for>`);
  }
  for (const button of elements(doc, 'button')) assert.ok(button.text.length > 0, 'buttons have text');
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { STYLESHEET_FILE } from './assets.js';

const css = readFileSync(STYLESHEET_FILE, 'utf8');

/** The custom properties of the first `:root` block after `from` (light scheme, then dark). */
function palette(from: number): Map<string, string> {
  const start = css.indexOf(':root', from);
  const block = css.slice(start, css.indexOf('}', start));
  return new Map([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

// WCAG 2.2 relative luminance and contrast ratio.
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// [foreground, background, minimum]: 4.5 for text, 3 for UI boundaries and focus rings.
const PAIRS: [string, string, number][] = [
  ['text', 'surface', 4.5],
  ['text', 'bg', 4.5],
  ['text', 'code-bg', 4.5],
  ['muted', 'surface', 4.5],
  ['link', 'surface', 4.5],
  ['on-primary', 'primary', 4.5],
  ['on-primary', 'primary-hover', 4.5],
  ['alert-text', 'alert-bg', 4.5],
  ['border', 'surface', 3],
  ['focus', 'surface', 3],
  ['focus', 'bg', 3],
];

void describe('portcullis.css', () => {
  void it('loads nothing from anywhere: no url(), @import or absolute URLs', () => {
    assert.doesNotMatch(css, /url\(|@import|https?:\/\//i);
  });

  void it('keeps focus visible and touch targets at least 44px', () => {
    assert.match(css, /:focus-visible[\s\S]*?outline: 3px solid/);
    assert.match(css, /min-height: 2\.75rem/);
  });

  for (const [name, from] of [
    ['light', 0],
    ['dark', css.indexOf('prefers-color-scheme: dark')],
  ] as const) {
    void it(`meets WCAG AA contrast in the ${name} scheme`, () => {
      const colours = palette(from);
      for (const [fg, bg, min] of PAIRS) {
        const a = colours.get(fg);
        const b = colours.get(bg);
        assert.ok(a && b, `${name}: --${fg} and --${bg} are defined`);
        const ratio = contrast(a, b);
        assert.ok(ratio >= min, `${name}: --${fg} on --${bg} is ${ratio.toFixed(2)}:1, needs ${min}:1`);
      }
    });
  }
});

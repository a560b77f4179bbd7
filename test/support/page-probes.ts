/**
 * What the pages look like in Chromium, measured rather than read from the CSS: words the
 * browser split across lines, element boxes, and a person registering through the pages.
 */
import { confirmEmailInBrowser } from './mail.js';
import type { Page } from 'playwright-core';

/**
 * The words (runs of non-space characters in one text node) under `selector` that Chromium drew
 * on more than one line: a word broken mid-way ("Addr/ess"). A `<wbr>` ends a text node, so an
 * address allowed to break there counts as several words.
 */
export function brokenWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const broken: string[] = [];
    for (const root of Array.from(document.querySelectorAll(sel))) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of (node.textContent ?? '').matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const lines = new Set(Array.from(range.getClientRects()).filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)));
          if (lines.size > 1) broken.push(match[0]);
        }
      }
    }
    return broken;
  }, selector);
}

/** How many lines Chromium used for the text of the first element matching `selector`. */
export function lineCount(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const element = document.querySelector(sel);
    if (!element) throw new Error(`no ${sel}`);
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set(Array.from(range.getClientRects()).filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top))).size;
  }, selector);
}

/** A new person registers from /account and lands on the account page. */
export async function registerInBrowser(page: Page, issuer: string, email: string, password: string): Promise<void> {
  await page.goto(`${issuer}/account`);
  await page.getByRole('link', { name: 'Create account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await confirmEmailInBrowser(page, email);
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
}

/**
 * The messages a test server sent, read the way a person reads them: from the files its mail
 * went to. An embedded test server without SMTP_URL writes .eml files into DATA_DIR/mail; the
 * production stack's instances send to the stack's SMTP sink, which keeps them in
 * STACK_SMTP_DIR. Each server registers its directory when it starts (test-server.ts), so a
 * helper given only a page finds the mail by the page's origin.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMailDir, type SinkMessage } from '@portcullis/server/testing/smtp-sink.js';
import type { Page as BrowserPage } from 'playwright-core';
import type { Page, UserAgent } from './user-agent.js';

export type { SinkMessage };

const dirs = new Map<string, string>();

export function registerMailDir(issuer: string, dir: string): void {
  dirs.set(new URL(issuer).origin, dir);
}

export function mailDirFor(url: string): string {
  const dir = dirs.get(new URL(url).origin);
  assert.ok(dir, `no mail directory is known for ${new URL(url).origin}`);
  return dir;
}

export const embeddedMailDir = (dataDir: string) => path.join(dataDir, 'mail');

/** The newest message in `dir` that `match` accepts, waiting for it up to `timeoutMs`. */
export async function waitForMail(dir: string, match: (message: SinkMessage) => boolean, timeoutMs = 20_000): Promise<SinkMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readMailDir(dir)).filter(match).at(-1);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching message in ${dir} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export const isTemplate = (template: string, to: string) => (message: SinkMessage) => message.headers['x-portcullis-template'] === template && message.to.includes(to.toLowerCase());

/** The newest verification message to `email` (code and link) sent by the server behind `url`. */
export async function verificationMail(url: string, email: string): Promise<{ message: SinkMessage; code: string; link: string }> {
  const message = await waitForMail(mailDirFor(url), isTemplate('email_verification', email));
  const code = /^\s*(\d{6})\s*$/m.exec(message.text)?.[1];
  const link = /https?:\/\/\S+\/verify-email\?token=[\w-]+/.exec(message.text)?.[0];
  assert.ok(code && link, `no code or link in the message: ${message.text}`);
  return { message, code, link };
}

/**
 * After a registration's 303 (or any redirect to the "check your email" step): opens the step,
 * types the code from the newest message to `email`, and returns the answer (a 303 onward).
 */
export async function confirmEmail(agent: UserAgent, redirect: Page, email: string): Promise<Page> {
  assert.equal(redirect.status, 303, `expected a redirect to the email step, got ${redirect.status}: ${redirect.body.slice(0, 300)}`);
  const step = await agent.request(redirect.location!);
  assert.ok(step.body.includes('/verify-email/code'), `not the "check your email" step (status ${step.status}): ${step.body.slice(0, 300)}`);
  const { code } = await verificationMail(step.url, email);
  const confirmed = await agent.submit(step, '/verify-email/code', { code });
  assert.equal(confirmed.status, 303, `the code did not confirm the address: ${confirmed.body.slice(0, 300)}`);
  return confirmed;
}

/** The "check your email" step in a real browser: types the code from the newest message to `email`. */
export async function confirmEmailInBrowser(page: BrowserPage, email: string): Promise<void> {
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  const { code } = await verificationMail(page.url(), email);
  await page.getByLabel('Code').fill(code);
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
}

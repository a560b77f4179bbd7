/**
 * Headless Chromium for browser tests: the system's Debian chromium driven by playwright-core
 * (no browser download). Each call gets a fresh browser and an isolated context, and records what
 * a page loads and what the console reports, so tests can assert on third-party requests and CSP
 * violations.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested (documents, stylesheets, images, ...), in order. */
  requests: string[];
  /** Console errors and warnings, and uncaught page errors; CSP violations land here. */
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    return { browser, context, page, requests, problems, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Journeys through the account page and the second sign-in step over plain HTTP, shared by the
 * mfa-*, account-* and audit-* tests: sign in to /account, set up TOTP from the page with a code
 * computed from the displayed setup key, read the recovery codes, and answer the code step.
 * Codes come from otplib at chosen time steps; `CodeClock` hands out each step once, waiting for
 * the server's clock when every usable step has been spent (RFC 6238 ±1 step window).
 */
import { confirmEmail } from './mail.js';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'otplib';
import type { TestServer } from './test-server.js';
import { UserAgent, csrfToken, formAction, type Page } from './user-agent.js';
import { uniqueEmail } from './pages.js';

export const PASSWORD = 'a long enough passphrase for mfa tests';

export const stepNow = () => Math.floor(Date.now() / 30_000);

/** Hands out TOTP codes for one seed, each time step at most once, never older than the last. */
export class CodeClock {
  private last: number;
  constructor(readonly secret: string, firstStep = stepNow() - 2) {
    this.last = firstStep;
  }

  /** Marks a step as spent (e.g. the enrolment's). */
  spent(step: number): void {
    this.last = Math.max(this.last, step);
  }

  /** A fresh code the server will accept: the next unspent step within ±1 of its clock. */
  async next(): Promise<{ code: string; step: number }> {
    while (this.last + 1 > stepNow() + 1) await sleep(500);
    const step = Math.max(this.last + 1, stepNow() - 1);
    this.last = step;
    return { code: await generate({ secret: this.secret, epoch: step * 30 + 1 }), step };
  }

  /** The code of a step already spent, for replay tests. */
  codeAt(step: number): Promise<string> {
    return generate({ secret: this.secret, epoch: step * 30 + 1 });
  }
}

export function isOnIssuer(server: TestServer, location: string): boolean {
  return new URL(location).origin === new URL(server.issuer).origin;
}

/** Follows redirects while they stay on the server (stops before a client's redirect URI). */
export function followOnServer(server: TestServer, agent: UserAgent, url: string): Promise<Page> {
  return agent.follow(url, (location) => !isOnIssuer(server, location));
}

/** Submits a form of `page` whose action contains `actionPart` and follows on the server. */
export async function submitAndFollow(server: TestServer, agent: UserAgent, page: Page, actionPart: string, fields: Record<string, string>): Promise<{ posted: Page; page: Page }> {
  const posted = await agent.submit(page, actionPart, fields);
  if (posted.status !== 303 || !posted.location) return { posted, page: posted };
  return { posted, page: await followOnServer(server, agent, posted.location) };
}

export interface AccountUser {
  agent: UserAgent;
  email: string;
  password: string;
  /** The account page after signing in. */
  home: Page;
}

/** A new person registers through /account and lands on the account page. */
export async function registerOnAccountPage(server: TestServer, email = uniqueEmail('acct'), agent = new UserAgent()): Promise<AccountUser> {
  const login = await followOnServer(server, agent, `${server.issuer}/account`);
  assert.match(login.url, /\/interaction\//, `expected the login page, got ${login.status} ${login.url}`);
  const registerHref = /href="([^"]*\/register)"/.exec(login.body)?.[1];
  assert.ok(registerHref);
  const registerPage = await agent.request(new URL(registerHref, login.url).href);
  const registered = await agent.submit(registerPage, '/register', { email, name: '', password: PASSWORD });
  const confirmed = await confirmEmail(agent, registered, email);
  const page = await followOnServer(server, agent, confirmed.location!);
  assert.equal(new URL(page.url).pathname, '/account', `expected the account page, got ${page.status} ${page.url}: ${page.body.slice(0, 300)}`);
  return { agent, email, password: PASSWORD, home: page };
}

/** Signs an existing person in to /account with their password (and a code when asked). */
export async function signInToAccount(server: TestServer, email: string, options: { agent?: UserAgent; password?: string; code?: () => Promise<string> } = {}): Promise<Page> {
  const agent = options.agent ?? new UserAgent();
  const login = await followOnServer(server, agent, `${server.issuer}/account`);
  if (new URL(login.url).pathname === '/account' && login.status === 200) return login;
  let { page } = await submitAndFollow(server, agent, login, '/login', { email, password: options.password ?? PASSWORD });
  if (isCodeStep(page)) {
    assert.ok(options.code, 'a code step appeared but no code was given');
    ({ page } = await submitAndFollow(server, agent, page, '/totp', { code: await options.code() }));
  }
  return page;
}

export const isCodeStep = (page: Page) => page.body.includes('>Two-step verification</h1>') && page.body.includes('name="code"');

export interface Enrolled {
  secret: string;
  codes: string[];
  clock: CodeClock;
}

export function setupKeyOf(page: Page): string {
  const key = /<code class="secret" id="totp-secret">([^<]+)<\/code>/.exec(page.body)?.[1];
  assert.ok(key, 'no setup key on the page');
  return key.replace(/\s+/g, '');
}

export function recoveryCodesOf(page: Page): string[] {
  return [...page.body.matchAll(/<li><code>([0-9A-Z-]+)<\/code><\/li>/g)].map((m) => m[1]!);
}

/** From the account page: sets up TOTP with a code from the displayed key, reads the codes. */
export async function enrolOnAccountPage(server: TestServer, agent: UserAgent): Promise<Enrolled> {
  const home = await followOnServer(server, agent, `${server.issuer}/account`);
  const { page: setup } = await submitAndFollow(server, agent, home, '/account/totp/start', {});
  assert.equal(setup.status, 200, setup.body.slice(0, 300));
  assert.equal(new URL(setup.url).pathname, '/account/totp/setup');
  const clock = new CodeClock(setupKeyOf(setup));
  const { code } = await clock.next();
  const { posted, page } = await submitAndFollow(server, agent, setup, '/account/totp/setup', { code });
  assert.equal(posted.status, 303);
  assert.equal(new URL(page.url).pathname, '/account/recovery-codes/new', `enrolment failed: ${page.url} ${page.body.slice(0, 300)}`);
  const codes = recoveryCodesOf(page);
  assert.equal(codes.length, 10);
  return { secret: clock.secret, codes, clock };
}

/**
 * The account page after turning TOTP on: the session signed in with a password only, so the page
 * asks for a code first (a step-up, SECURITY.md A16); answers it and returns the account page.
 */
export async function stepUpOnAccountPage(server: TestServer, agent: UserAgent, clock: CodeClock): Promise<Page> {
  const step = await followOnServer(server, agent, `${server.issuer}/account`);
  assert.ok(isCodeStep(step), `expected the step-up code step, got ${step.status} ${step.url}`);
  const { page } = await submitAndFollow(server, agent, step, '/totp', { code: (await clock.next()).code });
  assert.match(page.body, /<h1>Your account<\/h1>/);
  return page;
}

/** Registers a person and turns TOTP on for them; the agent stays signed in to /account, stepped up. */
export async function enrolledUser(server: TestServer): Promise<AccountUser & Enrolled> {
  const user = await registerOnAccountPage(server);
  const enrolled = await enrolOnAccountPage(server, user.agent);
  const home = await stepUpOnAccountPage(server, user.agent, enrolled.clock);
  return { ...user, home, ...enrolled };
}

export { csrfToken, formAction };

/**
 * The browser side of a sign-in, over plain HTTP: a minimal cookie jar (one origin, so names
 * are enough), manual redirects, the page's CSRF token. Used to register the user pool before
 * measuring, to mint tokens, and as the sign-in scenario itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Target } from './target.js';
import { readMailDir } from '@portcullis/server/testing/smtp-sink.js';

export const REDIRECT_URI = 'https://bench.example.test/callback';
export const PASSWORD = 'bench passphrase for portcullis 42';

export interface BenchClient {
  client_id: string;
  client_secret: string;
}

export interface Hop {
  status: number;
  location?: string;
  body: string;
}

class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly target: Target) {}

  /**
   * A browser talks to the issuer's own origin: pages answer only there (a page asked for at
   * another host name is redirected to it, http/canonical-host.ts), and fetch cannot send a Host
   * header of its own choosing, as the load scenarios do with the base URL.
   */
  private url(pathOrUrl: string): string {
    return new URL(pathOrUrl, this.target.issuer).href;
  }

  async request(pathOrUrl: string, form?: Record<string, string>): Promise<Hop> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(this.url(pathOrUrl), { method: form ? 'POST' : 'GET', headers, body: form && new URLSearchParams(form).toString(), redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return { status: response.status, location: response.headers.get('location') ?? undefined, body: await response.text() };
  }
}

function expect(hop: Hop, status: number, step: string): Hop {
  if (hop.status !== status) throw new Error(`${step}: expected ${status}, got ${hop.status} ${hop.body.slice(0, 200)}`);
  return hop;
}

function formOf(html: string, actionPart: string): { action: string; csrf: string } {
  const action = [...html.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')).find((a) => a.includes(actionPart));
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !csrf) throw new Error(`no form posting to *${actionPart}* with a CSRF token`);
  return { action, csrf };
}

export const basicAuth = (client: BenchClient) => `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

/**
 * One person's whole sign-in: authorization request → login page → login POST (argon2id) →
 * code → token. `register` creates the account on the way instead of signing in. Every 303 on
 * the way is the expected answer; anything else throws.
 */
export async function signIn(target: Target, client: BenchClient, email: string, options: { scope?: string; register?: boolean } = {}): Promise<Tokens> {
  const browser = new Browser(target);
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    scope: options.scope ?? 'openid email',
    redirect_uri: REDIRECT_URI,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
  });
  const start = expect(await browser.request(`/auth?${query}`), 303, 'authorization request');
  let page = expect(await browser.request(start.location!), 200, 'login page');
  if (options.register) {
    const href = /href="([^"]*\/register)"/.exec(page.body)?.[1];
    if (!href) throw new Error('no "Create account" link');
    page = expect(await browser.request(href), 200, 'registration page');
  }
  const form = formOf(page.body, options.register ? '/register' : '/login');
  const fields: Record<string, string> = options.register ? { email, name: 'Bench User', password: PASSWORD } : { email, password: PASSWORD };
  let hop = expect(await browser.request(form.action, { csrf: form.csrf, ...fields }), 303, options.register ? 'registration' : 'login');
  if (options.register) hop = await confirmEmail(target, browser, hop, email);
  // Back through /auth/:uid to the client, answering a consent page if one is shown.
  for (let hops = 0; !hop.location?.startsWith(REDIRECT_URI); hops++) {
    if (hops > 6) throw new Error('too many hops before the redirect to the client');
    if (hop.status === 303 || hop.status === 302) {
      hop = await browser.request(hop.location!);
    } else if (hop.status === 200 && hop.body.includes('/consent"')) {
      const consent = formOf(hop.body, '/consent');
      hop = expect(await browser.request(consent.action, { csrf: consent.csrf }), 303, 'consent');
    } else {
      throw new Error(`unexpected ${hop.status} on the way back to the client: ${hop.body.slice(0, 200)}`);
    }
  }
  const code = new URL(hop.location).searchParams.get('code');
  if (!code) throw new Error(`no code in ${hop.location}`);
  const token = await fetch(`${target.baseUrl}/token`, {
    method: 'POST',
    headers: { authorization: basicAuth(client), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }).toString(),
  });
  const body = (await token.json()) as Tokens;
  if (token.status !== 200) throw new Error(`code redemption: ${token.status} ${JSON.stringify(body)}`);
  return body;
}

/** A registration's "check your email" step: the code from the message the server sent, typed in. */
async function confirmEmail(target: Target, browser: Browser, registered: Hop, email: string): Promise<Hop> {
  const step = expect(await browser.request(registered.location!), 200, 'check your email');
  for (let tries = 0; tries < 300; tries++) {
    const message = (await readMailDir(target.mailDir)).filter((m) => m.to.includes(email)).at(-1);
    const code = message && /^\s*(\d{6})\s*$/m.exec(message.text)?.[1];
    if (code) {
      const form = formOf(step.body, '/verify-email/code');
      return expect(await browser.request(form.action, { csrf: form.csrf, code }), 303, 'email code');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no verification message for ${email} in ${target.mailDir}`);
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at a time. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  }));
  return results;
}

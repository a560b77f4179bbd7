/**
 * A minimal Koa Context for fast unit tests of route handlers and pages: the request's body,
 * query, params, address and headers go in; status, body, headers, redirect and cookies come out
 * to be asserted. Only what our handlers use is here; anything else is undefined, so a handler
 * that starts to rely on more fails its test rather than passing by accident.
 * - Cookies live in one jar: what a handler sets, a later `get` in the same test reads. Signing
 *   is not modelled (a cookie put in the jar counts as correctly signed).
 * - `redirect` behaves as Koa's: a 3xx status set before it is kept, anything else becomes 302.
 * - `ctx.req` and `ctx.res` are opaque tokens, handed to the fake provider untouched.
 */
import { Readable } from 'node:stream';
import type { Context } from 'koa';

export interface FakeKoaInit {
  method?: string;
  path?: string;
  body?: unknown;
  /**
   * A form the browser POSTs: sent as the request stream with its Content-Type and length, so
   * the routes' own body parser (http/form-body.ts) reads it as it would a real one.
   */
  form?: Record<string, string>;
  query?: Record<string, string | string[]>;
  params?: Record<string, string>;
  ip?: string;
  /** Request headers, any case. */
  headers?: Record<string, string>;
  /** Cookies the browser sends. */
  cookies?: Record<string, string>;
  /** What earlier middleware put on `ctx.state` (the CSP nonce, the request id). */
  state?: Record<string, unknown>;
}

export interface SetCookie {
  name: string;
  value: string | null;
  options?: Record<string, unknown>;
}

export interface FakeKoa {
  ctx: Context;
  /** Response headers set by the handler, names lower-cased. */
  responseHeaders: Map<string, string>;
  /** Every `cookies.set`, in order (`value: null` clears). */
  setCookies: SetCookie[];
  /** Where the handler redirected, if it did. */
  location(): string | undefined;
  /** The body as text (rendered pages). */
  text(): string;
}

export function fakeKoa(init: FakeKoaInit = {}): FakeKoa {
  const requestHeaders = new Map(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const responseHeaders = new Map<string, string>();
  const jar = new Map(Object.entries(init.cookies ?? {}));
  const setCookies: SetCookie[] = [];
  let location: string | undefined;

  const form = init.form && Buffer.from(new URLSearchParams(init.form).toString());
  if (form) requestHeaders.set('content-type', 'application/x-www-form-urlencoded');
  const ctx = {
    method: init.method ?? (form ? 'POST' : 'GET'),
    path: init.path ?? '/',
    ip: init.ip ?? '203.0.113.7',
    query: init.query ?? {},
    params: init.params ?? {},
    state: init.state ?? { nonce: 'test-nonce' },
    request: { body: init.body, length: form?.length },
    req: form ? Readable.from([form]) : { fake: 'req' },
    res: { fake: 'res' },
    status: 404,
    body: undefined as unknown,
    type: '',
    respond: true,
    is(type: string): string | false {
      return (requestHeaders.get('content-type') ?? '').split(';')[0]!.trim() === type ? type : false;
    },
    get(name: string): string {
      return requestHeaders.get(name.toLowerCase()) ?? '';
    },
    set(name: string, value: string): void {
      responseHeaders.set(name.toLowerCase(), String(value));
    },
    redirect(url: string): void {
      if (!(ctx.status >= 300 && ctx.status < 309)) ctx.status = 302;
      location = url;
      responseHeaders.set('location', url);
    },
    cookies: {
      get(name: string): string | undefined {
        return jar.get(name);
      },
      set(name: string, value: string | null, options?: Record<string, unknown>) {
        setCookies.push({ name, value, ...(options && { options }) });
        if (value === null) jar.delete(name);
        else jar.set(name, value);
        return this;
      },
    },
  };

  return {
    ctx: ctx as unknown as Context,
    responseHeaders,
    setCookies,
    location: () => location,
    text: () => (typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body ?? '')),
  };
}

/** Runs `middleware` (a router's `routes()`, say) on the fake; `next` marks "no route matched". */
export async function run(middleware: (ctx: never, next: () => Promise<void>) => unknown, koa: FakeKoa): Promise<{ matched: boolean }> {
  let matched = true;
  await middleware(koa.ctx as never, () => {
    matched = false;
    return Promise.resolve();
  });
  return { matched };
}

/**
 * A scripted person with a cookie jar: follows the authorization flow over plain HTTP the way a
 * browser would (manual redirects, cookies, form posts with the page's CSRF token), without a
 * browser. Used by integration tests to reach the redirect back to the client.
 */
import { CookieJar } from 'tough-cookie';

export interface Page {
  status: number;
  url: string;
  location?: string;
  body: string;
  headers: Headers;
}

export class UserAgent {
  readonly jar = new CookieJar();

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Page> {
    const cookie = await this.jar.getCookieString(url);
    const headers: Record<string, string> = { ...(cookie && { cookie }), ...init.headers };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) await this.jar.setCookie(setCookie, url);
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, url, location: location && new URL(location, url).href, body: await response.text(), headers: response.headers };
  }

  /** Follows redirects until a page that is not a redirect, or until `stopAt` matches a Location. */
  async follow(url: string, stopAt?: (location: string) => boolean): Promise<Page> {
    let page = await this.request(url);
    for (let hops = 0; page.location && hops < 20; hops++) {
      if (stopAt?.(page.location)) return page;
      page = await this.request(page.location);
    }
    return page;
  }

  /** Submits the first form whose action contains `actionPart`, with the page's CSRF token. */
  async submit(page: Page, actionPart: string, fields: Record<string, string>): Promise<Page> {
    const action = formAction(page.body, actionPart);
    return this.request(new URL(action, page.url).href, { form: { csrf: csrfToken(page.body), ...fields } });
  }
}

export function csrfToken(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}

export function formAction(html: string, actionPart: string): string {
  const actions = [...html.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
  const action = actions.find((a) => a.includes(actionPart));
  if (!action) throw new Error(`no form posting to *${actionPart}* on the page (forms: ${actions.join(', ')})`);
  return action;
}

export function alertText(html: string): string | undefined {
  const match = /role="alert"[^>]*>([\s\S]*?)<\//.exec(html);
  return match?.[1]?.trim();
}

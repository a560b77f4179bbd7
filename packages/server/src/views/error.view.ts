// Error page.
// - Says what happened in plain words (role="alert"), then what the person can do next, with at
//   most one link, and only to a path of this server (`/account`, or the same page at the
//   issuer's address): an invalid client or redirect URI must never send the person to the
//   application (SECURITY.md R2), so a link that is not a local path is dropped.
// - The protocol detail (an OAuth error code and its description) and the request id stay small,
//   at the bottom, for support. Never a stack trace or error class.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { message } from '../messages/message.js';

export interface ErrorViewProps {
  nonce: string;
  title: string;
  /** What happened, in plain words. */
  message: string;
  /** What the person can do now. */
  next?: string;
  /** A way on: a path of this server only (`/…`, not `//…`). */
  link?: { href: string; label: string };
  /** The protocol's own words, shown small: e.g. `invalid_client`, `client is invalid`. */
  code?: string;
  detail?: string;
  requestId?: string;
}

const LOCAL_PATH = /^\/(?![/\\])/;

export function errorView(p: ErrorViewProps): SafeHtml {
  const link = p.link && LOCAL_PATH.test(p.link.href) ? p.link : undefined;
  const code = p.code ? html`${message('page.error_code')}: <code>${p.code}</code>${p.detail && p.detail !== p.code ? html` (${p.detail})` : null}` : null;
  const reference = p.requestId ? html`<small>${message('view.error.reference')} <code>${p.requestId}</code></small>` : null;
  const body = html`<h1>${p.title}</h1>
<p role="alert" class="alert">${p.message}</p>
${p.next ? html`<p>${p.next}</p>` : null}
${link ? html`<div class="actions"><a class="button" href="${safeUrl(link.href)}">${link.label}</a></div>` : null}
${code || reference ? html`<p class="reference error-detail">${code}${code && reference ? html`<br>` : null}${reference}</p>` : null}`;

  return layoutView({ title: p.title, body, nonce: p.nonce });
}

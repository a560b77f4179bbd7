// Error page.
// - Shows only the title and message the caller chose (from the error table), in role="alert", and an
//   optional request id for support. Never a stack trace, error class or raw provider detail.
// - Has no link or redirect: an invalid client or redirect URI must never send the user anywhere
//   (SECURITY.md R2).
import { html } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { message } from '../messages/message.js';

export interface ErrorViewProps {
  nonce: string;
  title: string;
  message: string;
  requestId?: string;
}

export function errorView(p: ErrorViewProps): SafeHtml {
  const body = html`<h1>${p.title}</h1>
<p role="alert" class="alert">${p.message}</p>
${p.requestId ? html`<p class="reference"><small>${message('view.error.reference')} <code>${p.requestId}</code></small></p>` : null}`;

  return layoutView({ title: p.title, body, nonce: p.nonce });
}

// Sign-out confirmation (RP-initiated logout).
// - `form` is node-oidc-provider's `<form id="op.logoutForm" method="post">` with its own hidden xsrf
//   input; the caller wraps it with raw(). It is rendered as-is.
// - The two buttons sit outside that form and submit it through `form="op.logoutForm"`; only
//   "Sign out" sends logout=yes, "Cancel" submits without it (the provider then keeps the session).
//   Their markup is exactly what the provider integration expects, so they carry no class: the
//   stylesheet styles them through `.logout-actions`.
import { html } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { message } from '../messages/message.js';
import { messageHtml } from './text.js';
import { currentBranding } from '../branding/branding-scope.js';

export interface LogoutViewProps {
  nonce: string;
  form: SafeHtml;
  clientName?: string;
}

export function logoutView(p: LogoutViewProps): SafeHtml {
  const body = html`<h1>${message('view.logout.title')}</h1>
<p>${message('view.logout.question', { product: currentBranding().productName })}</p>
${p.clientName ? html`<p class="hint">${messageHtml('view.logout.asked_by', { client: html`<strong>${p.clientName}</strong>` })}</p>` : null}
${p.form}
<div class="actions logout-actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes">${message('view.logout.confirm')}</button>
<button type="submit" form="op.logoutForm">${message('view.logout.cancel')}</button>
</div>`;

  return layoutView({ title: message('view.logout.title'), body, nonce: p.nonce });
}

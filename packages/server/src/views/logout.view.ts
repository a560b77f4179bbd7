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

export interface LogoutViewProps {
  nonce: string;
  form: SafeHtml;
  clientName?: string;
}

export function logoutView(p: LogoutViewProps): SafeHtml {
  const body = html`<h1>Sign out</h1>
<p>Do you want to sign out of Portcullis?</p>
${p.clientName ? html`<p class="hint"><strong>${p.clientName}</strong> asked to sign you out.</p>` : null}
${p.form}
<div class="actions logout-actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm">Cancel</button>
</div>`;

  return layoutView({ title: 'Sign out', body, nonce: p.nonce });
}

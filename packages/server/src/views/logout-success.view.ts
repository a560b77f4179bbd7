// Shown after a sign-out. No form, no link to follow: the session is gone and nothing else is promised
// (the client may keep its own session; that is up to the client).
import { html } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';

export interface LogoutSuccessViewProps {
  nonce: string;
  clientName?: string;
}

export function logoutSuccessView(p: LogoutSuccessViewProps): SafeHtml {
  const body = html`<h1>You are signed out</h1>
<p>You have signed out of Portcullis${
    p.clientName ? html` at the request of <strong>${p.clientName}</strong>` : null
  }. You can close this window.</p>`;

  return layoutView({ title: 'Signed out', body, nonce: p.nonce });
}

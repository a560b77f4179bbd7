// Shown after a sign-out. No form, no link to follow: the session is gone and nothing else is promised
// (the client may keep its own session; that is up to the client).
import { html } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { message } from '../messages/message.js';
import { messageHtml } from './text.js';
import { currentBranding } from '../branding/branding-scope.js';

export interface LogoutSuccessViewProps {
  nonce: string;
  clientName?: string;
}

export function logoutSuccessView(p: LogoutSuccessViewProps): SafeHtml {
  const body = html`<h1>${message('view.logout_success.heading')}</h1>
<p>${
    p.clientName
      ? messageHtml('view.logout_success.body_for', { product: currentBranding().productName, client: html`<strong>${p.clientName}</strong>` })
      : message('view.logout_success.body', { product: currentBranding().productName })
  }</p>`;

  return layoutView({ title: message('view.logout_success.title'), body, nonce: p.nonce });
}

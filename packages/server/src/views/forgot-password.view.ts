// "Forgot password?" inside the sign-in: an Email field and "Send link" (a POST form with the
// CSRF input), and the way back to the sign-in page. After sending, the same page for every
// address says to check the mailbox (SECURITY.md A2), with the same way back.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, emailField, postForm } from './parts.js';
import { message } from '../messages/message.js';
import { noticeBox } from './account.view.js';

export interface ForgotPasswordViewProps {
  nonce: string;
  csrfToken: string;
  action: string;
  loginHref: string;
  email?: string;
  error?: string;
  /** Set once a request was accepted: the address as typed, and how long the link lives. */
  sent?: { email: string; minutes: number };
}

export function forgotPasswordView(p: ForgotPasswordViewProps): SafeHtml {
  const back = html`<p class="form-footer"><a href="${safeUrl(p.loginHref)}">${message('view.forgot.back')}</a></p>`;
  if (p.sent) {
    const body = html`<h1>${message('view.forgot.sent_title')}</h1>
${noticeBox(message('view.forgot.sent', { email: p.sent.email, minutes: p.sent.minutes }))}
<p>${message('view.forgot.sent_hint')}</p>
${back}`;
    return layoutView({ title: message('view.forgot.sent_title'), body, nonce: p.nonce });
  }
  const fields = html`${emailField(p.email, true)}
  <button type="submit" class="button button-block">${message('view.forgot.submit')}</button>`;
  const body = html`<h1>${message('view.forgot.title')}</h1>
<p>${message('view.forgot.intro')}</p>
${alertBox(p.error)}
${postForm(p.action, p.csrfToken, fields)}
${back}`;
  return layoutView({ title: message('view.forgot.title'), body, nonce: p.nonce });
}

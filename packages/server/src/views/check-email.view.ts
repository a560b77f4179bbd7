// The sign-in's "check your email" step: the code from the message, or its link.
// - The same page whether the address has just been registered or already had an account
//   (SECURITY.md A2): it names the address, asks for the code, and offers to send it again.
// - `unsent` (a client that requires a verified address, for a session signed in before): the
//   page offers to send the code first; nothing is sent by a GET.
// - Errors in role="alert", news ("sent again") in role="status".
import { html } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm, textField } from './parts.js';
import { noticeBox } from './account.view.js';
import { message } from '../messages/message.js';
import { currentBranding } from '../branding/branding-scope.js';

export interface CheckEmailViewProps {
  nonce: string;
  csrfToken: string;
  email: string;
  /** Where the code is posted, and where "send again" (or "send the code") posts. */
  action: string;
  resendAction: string;
  /** No message was sent in this sign-in yet. */
  unsent?: boolean;
  notice?: string;
  error?: string;
}

export function checkEmailView(p: CheckEmailViewProps): SafeHtml {
  const title = message('view.check_email.title');
  const resend = postForm(p.resendAction, p.csrfToken, html`<button type="submit" class="button ${p.unsent ? 'button-block' : 'button-secondary'}">${message(p.unsent ? 'view.check_email.send' : 'view.check_email.resend')}</button>`);
  const body = p.unsent
    ? html`<h1>${title}</h1>
${alertBox(p.error)}
<p>${message('view.check_email.required', { email: p.email })}</p>
${resend}`
    : html`<h1>${title}</h1>
${noticeBox(p.notice)}
${alertBox(p.error)}
<p>${message('view.check_email.sent', { email: p.email })}</p>
${postForm(p.action, p.csrfToken, html`${textField({ id: 'code', name: 'code', label: message('view.field.code'), type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric', required: true, autofocus: true, hint: message('view.check_email.code_hint') })}
  <button type="submit" class="button button-block">${message('view.check_email.verify')}</button>`)}
<p class="form-footer">${message('view.check_email.not_received')}</p>
${resend}`;
  return layoutView({ title, body, nonce: p.nonce });
}

export interface EmailLinkViewProps {
  nonce: string;
  csrfToken: string;
  action: string;
  token: string;
}

/**
 * The page a verification link opens: a button that confirms (a POST), so a mail scanner that
 * fetches every link in a message does not use it up.
 */
export function emailLinkView(p: EmailLinkViewProps): SafeHtml {
  const title = message('view.check_email.link_title');
  const body = html`<h1>${title}</h1>
<p>${message('view.check_email.link_intro', { product: currentBranding().productName })}</p>
${postForm(p.action, p.csrfToken, html`<input type="hidden" name="token" value="${p.token}">
  <button type="submit" class="button button-block">${message('view.check_email.confirm')}</button>`)}`;
  return layoutView({ title, body, nonce: p.nonce });
}

/** After a link was used outside the sign-in that sent it (another browser, or later). */
export function emailConfirmedView(p: { nonce: string; confirmed: boolean }): SafeHtml {
  const title = message(p.confirmed ? 'view.check_email.confirmed_title' : 'view.check_email.link_invalid_title');
  const body = html`<h1>${title}</h1>
${p.confirmed ? html`<p role="status" class="notice">${message('view.check_email.confirmed')}</p>` : html`<p role="alert" class="alert">${message('view.check_email.link_invalid')}</p>`}`;
  return layoutView({ title, body, nonce: p.nonce });
}

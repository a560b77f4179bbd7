// Email change. On the account page: "New email address" and "Current password" (a POST form
// with the CSRF input) and a way back. The page the verification link opens: the new address
// and a "Use this address" button (a POST: mail scanners that open links change nothing), then
// the outcome with a way to the account page.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm, textField } from './parts.js';
import { message } from '../messages/message.js';
import { messageHtml } from './text.js';
import { noticeBox } from './account.view.js';

export interface EmailChangeViewProps {
  nonce: string;
  csrfToken: string;
  email: string;
  newEmail?: string;
  error?: string;
}

export function emailChangeView(p: EmailChangeViewProps): SafeHtml {
  const fields = html`${textField({ id: 'username', name: 'username', label: message('password.username_label'), type: 'email', autocomplete: 'username', value: p.email, readOnly: true })}
  ${textField({ id: 'new_email', name: 'new_email', label: message('view.email.new'), type: 'email', autocomplete: 'email', value: p.newEmail, required: true, autofocus: true })}
  ${textField({ id: 'current_password', name: 'current_password', label: message('view.password.current'), type: 'password', autocomplete: 'current-password', required: true })}
  <button type="submit" class="button button-block">${message('view.email.submit')}</button>`;
  const body = html`<h1>${message('view.email.title')}</h1>
<p>${message('view.email.intro')}</p>
${alertBox(p.error)}
${postForm('/account/email', p.csrfToken, fields)}
<p class="form-footer"><a href="${safeUrl('/account')}">${message('next.back_to_account')}</a></p>`;
  return layoutView({ title: message('view.email.title'), body, nonce: p.nonce });
}

export interface EmailConfirmViewProps {
  nonce: string;
  /** The form, when the link can be used. */
  form?: { csrfToken: string; action: string; newEmail: string };
  outcome?: { kind: 'done'; newEmail: string } | { kind: 'error'; message: string };
}

export function emailConfirmView(p: EmailConfirmViewProps): SafeHtml {
  const account = html`<div class="actions"><a class="button" href="${safeUrl('/account')}">${message('next.back_to_account')}</a></div>`;
  if (p.form) {
    const body = html`<h1>${message('view.email_confirm.title')}</h1>
<p>${messageHtml('view.email_confirm.intro', { email: html`<strong>${p.form.newEmail}</strong>` })}</p>
${postForm(p.form.action, p.form.csrfToken, html`<button type="submit" class="button button-block">${message('view.email_confirm.submit')}</button>`)}`;
    return layoutView({ title: message('view.email_confirm.title'), body, nonce: p.nonce });
  }
  const done = p.outcome?.kind === 'done' ? p.outcome : undefined;
  const title = done ? message('view.email_confirm.done_title') : message('view.link.unusable_title');
  const body = html`<h1>${title}</h1>
${done ? noticeBox(message('view.email_confirm.done', { email: done.newEmail })) : alertBox(p.outcome?.kind === 'error' ? p.outcome.message : message('error.recovery.link_invalid'))}
${account}`;
  return layoutView({ title, body, nonce: p.nonce });
}

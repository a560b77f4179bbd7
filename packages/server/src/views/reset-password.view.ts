// The page a reset or invitation link opens: "Choose a new password" (reset) or "Set your
// password" (invitation), for the address shown, with "New password" and "Confirm new password"
// (the registration's hint and rules; never echoed) and a read-only username field so password
// managers store the new password under the right account. After success, or for a link that
// cannot be used, the same view says so and offers "Sign in".
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm, textField } from './parts.js';
import { passwordHint } from './register.view.js';
import { message } from '../messages/message.js';
import { noticeBox } from './account.view.js';

export interface ResetPasswordViewProps {
  nonce: string;
  purpose: 'reset' | 'invite';
  /** The form, when the link can be used. */
  form?: { csrfToken: string; action: string; email: string; passwordMinLength: number; error?: string };
  /** The outcome page: done, or the link cannot be used. */
  outcome?: { kind: 'done' | 'unusable'; signInHref: string };
}

const titles = (purpose: 'reset' | 'invite') => (purpose === 'reset'
  ? { title: message('view.reset.title'), submit: message('view.reset.submit') }
  : { title: message('view.invite.title'), submit: message('view.invite.submit') });

export function resetPasswordView(p: ResetPasswordViewProps): SafeHtml {
  if (!p.form) {
    const done = p.outcome?.kind === 'done';
    const title = done ? message('view.reset.done_title') : message('view.link.unusable_title');
    const body = html`<h1>${title}</h1>
${done ? noticeBox(message('view.reset.done')) : alertBox(message('error.recovery.link_invalid'))}
<div class="actions"><a class="button" href="${safeUrl(p.outcome?.signInHref ?? '/account')}">${message('view.reset.sign_in')}</a></div>`;
    return layoutView({ title, body, nonce: p.nonce });
  }
  const { title, submit } = titles(p.purpose);
  const f = p.form;
  const fields = html`${textField({ id: 'username', name: 'username', label: message('password.username_label'), type: 'email', autocomplete: 'username', value: f.email, readOnly: true })}
  ${textField({ id: 'new_password', name: 'new_password', label: message('view.password.new'), type: 'password', autocomplete: 'new-password', minLength: f.passwordMinLength, hint: passwordHint(f.passwordMinLength), required: true, autofocus: true })}
  ${textField({ id: 'confirm_password', name: 'confirm_password', label: message('password.confirm_label'), type: 'password', autocomplete: 'new-password', minLength: f.passwordMinLength, required: true })}
  <button type="submit" class="button button-block">${submit}</button>`;
  const body = html`<h1>${title}</h1>
<p>${p.purpose === 'reset' ? message('view.reset.intro') : message('view.invite.intro')}</p>
${alertBox(f.error)}
${postForm(f.action, f.csrfToken, fields)}`;
  return layoutView({ title, body, nonce: p.nonce });
}

// Changing the password from the account page: labelled "Current password", "New password" and
// "Confirm new password" inputs (the new one with the same hint and rules as registration), a
// "Change password" button, and a way back. Passwords are never echoed.
// - A read-only username field (the account's email, autocomplete="username") tells password
//   managers which saved entry the new password belongs to; the server ignores it.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm, textField } from './parts.js';
import { passwordHint } from './register.view.js';
import { message } from '../messages/message.js';

export interface AccountPasswordViewProps {
  nonce: string;
  csrfToken: string;
  passwordMinLength: number;
  /** The signed-in account, for the username field. */
  email: string;
  error?: string;
}

export function accountPasswordView(p: AccountPasswordViewProps): SafeHtml {
  const fields = html`${textField({ id: 'username', name: 'username', label: message('password.username_label'), type: 'email', autocomplete: 'username', value: p.email, readOnly: true })}
  ${textField({ id: 'current_password', name: 'current_password', label: message('view.password.current'), type: 'password', autocomplete: 'current-password', required: true, autofocus: true })}
  ${textField({
    id: 'new_password',
    name: 'new_password',
    label: message('view.password.new'),
    type: 'password',
    autocomplete: 'new-password',
    minLength: p.passwordMinLength,
    hint: passwordHint(p.passwordMinLength),
    required: true,
  })}
  ${textField({ id: 'confirm_password', name: 'confirm_password', label: message('password.confirm_label'), type: 'password', autocomplete: 'new-password', minLength: p.passwordMinLength, required: true })}
  <button type="submit" class="button button-block">${message('view.password.submit')}</button>`;

  const body = html`<h1>${message('view.password.title')}</h1>
<p>${message('view.password.intro')}</p>
${alertBox(p.error)}
${postForm('/account/password', p.csrfToken, fields)}
<p class="form-footer"><a href="${safeUrl('/account')}">${message('next.back_to_account')}</a></p>`;

  return layoutView({ title: message('view.password.title'), body, nonce: p.nonce });
}

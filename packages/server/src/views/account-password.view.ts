// Changing the password from the account page: labelled "Current password" and "New password"
// inputs (the new one with the same hint and rules as registration), a "Change password"
// button, and a way back. Passwords are never echoed.
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
  error?: string;
}

export function accountPasswordView(p: AccountPasswordViewProps): SafeHtml {
  const fields = html`${textField({ id: 'current_password', name: 'current_password', label: message('view.password.current'), type: 'password', autocomplete: 'current-password', required: true })}
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
  <button type="submit" class="button button-block">${message('view.password.submit')}</button>`;

  const body = html`<h1>${message('view.password.title')}</h1>
<p>${message('view.password.intro')}</p>
${alertBox(p.error)}
${postForm('/account/password', p.csrfToken, fields)}
<p class="form-footer"><a href="${safeUrl('/account')}">${message('next.back_to_account')}</a></p>`;

  return layoutView({ title: message('view.password.title'), body, nonce: p.nonce });
}

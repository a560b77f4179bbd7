// Changing the password from the account page: labelled "Current password" and "New password"
// inputs (the new one with the same hint and rules as registration), a "Change password"
// button, and a way back. Passwords are never echoed.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm, textField } from './parts.js';
import { passwordHint } from './register.view.js';

export interface AccountPasswordViewProps {
  nonce: string;
  csrfToken: string;
  passwordMinLength: number;
  error?: string;
}

export function accountPasswordView(p: AccountPasswordViewProps): SafeHtml {
  const fields = html`${textField({ id: 'current_password', name: 'current_password', label: 'Current password', type: 'password', autocomplete: 'current-password', required: true })}
  ${textField({
    id: 'new_password',
    name: 'new_password',
    label: 'New password',
    type: 'password',
    autocomplete: 'new-password',
    minLength: p.passwordMinLength,
    hint: passwordHint(p.passwordMinLength),
    required: true,
  })}
  <button type="submit" class="button button-block">Change password</button>`;

  const body = html`<h1>Change password</h1>
<p>Changing your password signs you out everywhere else and stops applications from using
tokens they got before.</p>
${alertBox(p.error)}
${postForm('/account/password', p.csrfToken, fields)}
<p class="form-footer"><a href="${safeUrl('/account')}">Back to your account</a></p>`;

  return layoutView({ title: 'Change password', body, nonce: p.nonce });
}

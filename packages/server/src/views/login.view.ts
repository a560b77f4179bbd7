// Sign-in page.
// - POST form to `action` with the CSRF input; labelled Email and Password inputs; "Sign in" button.
// - The email is echoed back after a failed attempt; the password never is. The cursor starts in
//   the first field to fill (email, or password when the email is known).
// - "to continue to X" names the application on every render, errors included.
// - "Create account" takes the typed email along: in its href when the server knows it (after an
//   error), and from the field through the page script (data-carry-email).
// - `error` is shown in role="alert". The caller keeps it identical for unknown email and wrong
//   password (SECURITY.md A2); this view adds nothing that tells the two apart.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, emailField, pageScript, postForm, textField } from './parts.js';

export interface LoginViewProps {
  nonce: string;
  csrfToken: string;
  action: string;
  registerHref: string;
  email?: string;
  error?: string;
  clientName?: string;
}

export function loginView(p: LoginViewProps): SafeHtml {
  const fields = html`${emailField(p.email, !p.email)}
  ${textField({
    id: 'password',
    name: 'password',
    label: 'Password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    autofocus: Boolean(p.email),
  })}
  <button type="submit" class="button button-block">Sign in</button>`;

  const body = html`<h1>Sign in</h1>
${p.clientName ? html`<p class="subtitle">to continue to <strong>${p.clientName}</strong></p>` : null}
${alertBox(p.error)}
${postForm(p.action, p.csrfToken, fields)}
<p class="form-footer">New here? <a href="${safeUrl(p.registerHref)}" data-carry-email>Create account</a></p>
${pageScript(p.nonce)}`;

  return layoutView({ title: 'Sign in', body, nonce: p.nonce });
}

// Registration page.
// - POST form with the CSRF input; labelled Email, Name (optional) and Password inputs.
// - Password rules follow NIST SP 800-63B / SECURITY.md A3: minlength only (a convenience; the server
//   enforces it), no maxlength, no pattern, paste allowed, autocomplete="new-password" so password
//   managers can generate one. The hint is linked to the input by aria-describedby.
// - The email and name are echoed back after an error; the password never is. An email typed on
//   the sign-in page arrives prefilled; the cursor starts in the first field to fill.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, emailField, postForm, textField } from './parts.js';

export interface RegisterViewProps {
  nonce: string;
  csrfToken: string;
  action: string;
  loginHref: string;
  email?: string;
  name?: string;
  error?: string;
  passwordMinLength: number;
}

export function passwordHint(minLength: number): string {
  return (
    `At least ${minLength} characters; 15 or more is recommended. ` +
    'Any characters are allowed, including spaces. Common passwords are refused.'
  );
}

export function registerView(p: RegisterViewProps): SafeHtml {
  const fields = html`${emailField(p.email, !p.email)}
  ${textField({
    id: 'name',
    name: 'name',
    label: 'Name',
    type: 'text',
    autocomplete: 'name',
    value: p.name,
    hint: 'Optional',
  })}
  ${textField({
    id: 'password',
    name: 'password',
    label: 'Password',
    type: 'password',
    autocomplete: 'new-password',
    minLength: p.passwordMinLength,
    hint: passwordHint(p.passwordMinLength),
    required: true,
    autofocus: Boolean(p.email),
  })}
  <button type="submit" class="button button-block">Create account</button>`;

  const body = html`<h1>Create account</h1>
${alertBox(p.error)}
${postForm(p.action, p.csrfToken, fields)}
<p class="form-footer">Already have an account? <a href="${safeUrl(p.loginHref)}">Sign in instead</a></p>`;

  return layoutView({ title: 'Create account', body, nonce: p.nonce });
}

// Sign-in page.
// - POST form to `action` with the CSRF input; labelled Email and Password inputs; "Sign in" button.
// - The email is echoed back after a failed attempt; the password never is. The cursor starts in
//   the first field to fill (email, or password when the email is known).
// - "to continue to X" names the application on every render, errors included.
// - "Create account" (only when REGISTRATION is open) takes the typed email along: in its href
//   when the server knows it (after an error), and from the field through the page script
//   (data-carry-email).
// - "Use a passkey" (passkey-parts.ts, needs JavaScript; a note says so without it) signs in
//   with a discoverable passkey alone, inside the same interaction. Its label does not start
//   with "Sign in", so the page keeps exactly one button named that (for people and for tests
//   that find it by name).
// - "Forgot password?" under the password field leads to the reset request inside the same
//   interaction, so the way back to the application is kept.
// - `error` is shown in role="alert". The caller keeps it identical for unknown email and wrong
//   password (SECURITY.md A2); this view adds nothing that tells the two apart.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, emailField, pageScript, postForm, textField } from './parts.js';
import { message } from '../messages/message.js';
import { messageHtml } from './text.js';
import { passkeyForm, passkeyScripts } from './passkey-parts.js';

export interface LoginViewProps {
  nonce: string;
  csrfToken: string;
  action: string;
  /** Absent when registration is not open (REGISTRATION): no "Create account" then. */
  registerHref?: string;
  forgotHref: string;
  email?: string;
  error?: string;
  clientName?: string;
  /** The passkey sign-in's options URL and form action. */
  passkey?: { optionsUrl: string; action: string };
}

export function loginView(p: LoginViewProps): SafeHtml {
  const fields = html`${emailField(p.email, !p.email)}
  ${textField({
    id: 'password',
    name: 'password',
    label: message('view.field.password'),
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    autofocus: Boolean(p.email),
  })}
  <p class="hint"><a href="${safeUrl(p.forgotHref)}">${message('view.login.forgot_password')}</a></p>
  <button type="submit" class="button button-block">${message('view.login.submit')}</button>`;

  const body = html`<h1>${message('view.login.title')}</h1>
${p.clientName ? html`<p class="subtitle">${messageHtml('view.login.continue_to', { client: html`<strong>${p.clientName}</strong>` })}</p>` : null}
${alertBox(p.error)}
${postForm(p.action, p.csrfToken, fields)}
${p.passkey ? html`<p class="form-footer">${message('view.passkey.or')}</p>
${passkeyForm({ action: p.passkey.action, optionsUrl: p.passkey.optionsUrl, csrfToken: p.csrfToken, ceremony: 'authenticate', label: message('view.passkey.use') })}` : null}
${p.registerHref ? html`<p class="form-footer">${message('view.login.new_here')} <a href="${safeUrl(p.registerHref)}" data-carry-email>${message('view.login.create_account')}</a></p>` : null}
${pageScript(p.nonce)}
${p.passkey ? passkeyScripts(p.nonce) : null}`;

  return layoutView({ title: message('view.login.title'), body, nonce: p.nonce });
}

// The account page: who is signed in, and what they can change.
// - Sections: Password ("Change password"), Authenticator app ("Set up authenticator app", a
//   POST button because starting stores a pending seed, or "Turn off authenticator app"), Recovery codes (how many are left, "Regenerate recovery
//   codes"), Sessions ("Manage sessions"), Connected apps ("Manage connected apps"), and a "Sign
//   out" button (a POST form with the CSRF input).
// - A message carried over from the last action is shown once: errors in role="alert", other
//   news in role="status".
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm } from './parts.js';

export interface AccountViewProps {
  nonce: string;
  csrfToken: string;
  email: string;
  mfaEnabled: boolean;
  recoveryCodesLeft: number;
  notice?: string;
  error?: string;
}

export function noticeBox(message: string | undefined): SafeHtml | null {
  return message ? html`<p role="status" class="notice">${message}</p>` : null;
}

const link = (href: string, label: string, secondary = true) =>
  html`<a class="button${secondary ? ' button-secondary' : ''}" href="${safeUrl(href)}">${label}</a>`;

export function accountView(p: AccountViewProps): SafeHtml {
  const mfa = p.mfaEnabled
    ? html`<p>On: signing in asks for a code from your authenticator app.</p>
<div class="actions">${link('/account/totp/disable', 'Turn off authenticator app')}</div>`
    : html`<p>Off. Add a second step to signing in with an authenticator app on your phone.</p>
<div class="actions">${postForm('/account/totp/start', p.csrfToken, html`<button type="submit" class="button">Set up authenticator app</button>`)}</div>`;

  const body = html`<h1>Your account</h1>
<p class="signed-in-as">Signed in as <strong>${p.email}</strong></p>
${alertBox(p.error)}
${noticeBox(p.notice)}
<section aria-labelledby="password-heading">
<h2 id="password-heading">Password</h2>
<div class="actions">${link('/account/password', 'Change password')}</div>
</section>
<section aria-labelledby="mfa-heading">
<h2 id="mfa-heading">Authenticator app</h2>
${mfa}
</section>
${
  p.mfaEnabled
    ? html`<section aria-labelledby="recovery-heading">
<h2 id="recovery-heading">Recovery codes</h2>
<p>${p.recoveryCodesLeft} of 10 recovery codes left.</p>
<div class="actions">${link('/account/recovery-codes', 'Regenerate recovery codes')}</div>
</section>`
    : null
}
<section aria-labelledby="sessions-heading">
<h2 id="sessions-heading">Sessions</h2>
<p>See where you are signed in, and sign out of other devices.</p>
<div class="actions">${link('/account/sessions', 'Manage sessions')}</div>
</section>
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">Connected apps</h2>
<p>See which applications you allowed to use your account, and remove their access.</p>
<div class="actions">${link('/account/apps', 'Manage connected apps')}</div>
</section>
<div class="actions">
${postForm('/account/logout', p.csrfToken, html`<button type="submit" class="button button-secondary">Sign out</button>`)}
</div>`;

  return layoutView({ title: 'Your account', body, nonce: p.nonce });
}

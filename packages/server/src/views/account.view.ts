// The account page: who is signed in, and what they can change.
// - Sections: Email address ("Change email address"), Password ("Change password"), Authenticator app ("Set up authenticator app", a
//   POST button because starting stores a pending seed, or "Turn off authenticator app"), Recovery codes (how many are left, "Regenerate recovery
//   codes"), Passkeys (how many, "Manage passkeys"), Sessions ("Manage sessions"), Connected apps ("Manage connected apps"), and a "Sign
//   out" button (a POST form with the CSRF input).
// - A message carried over from the last action is shown once: errors in role="alert", other
//   news in role="status".
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm } from './parts.js';
import { message } from '../messages/message.js';
import { messageHtml } from './text.js';

export interface AccountViewProps {
  nonce: string;
  csrfToken: string;
  email: string;
  mfaEnabled: boolean;
  recoveryCodesLeft: number;
  passkeys: number;
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
    ? html`<p>${message('view.account.mfa_on')}</p>
<div class="actions">${link('/account/totp/disable', message('view.account.mfa_turn_off'))}</div>`
    : html`<p>${message('view.account.mfa_off')}</p>
<div class="actions">${postForm('/account/totp/start', p.csrfToken, html`<button type="submit" class="button">${message('view.account.mfa_set_up')}</button>`)}</div>`;

  const body = html`<h1>${message('view.account.title')}</h1>
<p class="signed-in-as">${messageHtml('view.account.signed_in_as', { email: html`<strong>${p.email}</strong>` })}</p>
${alertBox(p.error)}
${noticeBox(p.notice)}
<section aria-labelledby="email-heading">
<h2 id="email-heading">${message('view.account.email')}</h2>
<div class="actions">${link('/account/email', message('view.account.change_email'))}</div>
</section>
<section aria-labelledby="password-heading">
<h2 id="password-heading">${message('view.account.password')}</h2>
<div class="actions">${link('/account/password', message('view.account.change_password'))}</div>
</section>
<section aria-labelledby="mfa-heading">
<h2 id="mfa-heading">${message('view.account.mfa')}</h2>
${mfa}
</section>
${
  p.mfaEnabled
    ? html`<section aria-labelledby="recovery-heading">
<h2 id="recovery-heading">${message('view.account.recovery')}</h2>
<p>${message('view.account.recovery_left', { left: p.recoveryCodesLeft })}</p>
<div class="actions">${link('/account/recovery-codes', message('view.account.regenerate'))}</div>
</section>`
    : null
}
<section aria-labelledby="passkeys-heading">
<h2 id="passkeys-heading">${message('view.account.passkeys')}</h2>
<p>${p.passkeys > 0 ? message('view.account.passkeys_count', { count: p.passkeys }) : message('view.account.passkeys_none')}</p>
<div class="actions">${link('/account/passkeys', message('view.account.manage_passkeys'))}</div>
</section>
<section aria-labelledby="sessions-heading">
<h2 id="sessions-heading">${message('view.account.sessions')}</h2>
<p>${message('view.account.sessions_intro')}</p>
<div class="actions">${link('/account/sessions', message('view.account.manage_sessions'))}</div>
</section>
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">${message('view.account.apps')}</h2>
<p>${message('view.account.apps_intro')}</p>
<div class="actions">${link('/account/apps', message('view.account.manage_apps'))}</div>
</section>
<div class="actions">
${postForm('/account/logout', p.csrfToken, html`<button type="submit" class="button button-secondary">${message('view.account.sign_out')}</button>`)}
</div>`;

  return layoutView({ title: message('view.account.title'), body, nonce: p.nonce });
}

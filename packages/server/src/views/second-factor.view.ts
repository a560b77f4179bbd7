// The second sign-in step: a code from the authenticator app, or a recovery code.
// - `totp` mode: input labelled "Code" (one-time-code autocomplete, numeric keyboard), button
//   "Verify", and a "Use a recovery code" link that switches mode without JavaScript.
// - `recovery` mode: input labelled "Recovery code", button "Verify", and a link back.
// - With a passkey on the account, a "Use a passkey" button (passkey-parts.ts, needs JavaScript);
//   an account with passkeys but no authenticator app gets only that (`app` false).
// - A wrong, replayed or used code re-renders only this step, with the error in role="alert".
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm, textField } from './parts.js';
import { message } from '../messages/message.js';
import { passkeyForm, passkeyScripts } from './passkey-parts.js';

export interface SecondFactorViewProps {
  nonce: string;
  csrfToken: string;
  mode: 'totp' | 'recovery';
  action: string;
  /** The other mode's page. */
  switchHref: string;
  /** Whether the account has the authenticator app (its code form and recovery codes). */
  app: boolean;
  /** With a passkey on the account: its options URL and form action. */
  passkey?: { optionsUrl: string; action: string };
  error?: string;
}

export function secondFactorView(p: SecondFactorViewProps): SafeHtml {
  const totp = p.mode === 'totp';
  const field = totp
    ? textField({ id: 'code', name: 'code', label: message('view.field.code'), type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric', required: true, autofocus: true, hint: message('view.second_factor.code_hint') })
    : textField({ id: 'recovery_code', name: 'recovery_code', label: message('view.second_factor.recovery_label'), type: 'text', autocomplete: 'off', required: true, autofocus: true, hint: message('view.second_factor.recovery_hint') });

  const codes = totp && !p.app
    ? null
    : html`${postForm(p.action, p.csrfToken, html`${field}
  <button type="submit" class="button button-block">${message('view.second_factor.verify')}</button>`)}
<p class="form-footer"><a href="${safeUrl(p.switchHref)}">${message(totp ? 'view.second_factor.use_recovery' : 'view.second_factor.use_app')}</a></p>`;
  const passkey = p.passkey && totp
    ? html`${p.app ? html`<p class="form-footer">${message('view.passkey.or')}</p>` : html`<p>${message('view.passkey.second_step_intro')}</p>`}
${passkeyForm({ action: p.passkey.action, optionsUrl: p.passkey.optionsUrl, csrfToken: p.csrfToken, ceremony: 'authenticate', label: message('view.passkey.use') })}
${passkeyScripts(p.nonce)}`
    : null;

  const body = html`<h1>${message('view.second_factor.title')}</h1>
${alertBox(p.error)}
${codes}
${passkey}`;

  return layoutView({ title: message('view.second_factor.title'), body, nonce: p.nonce });
}

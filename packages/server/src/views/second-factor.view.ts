// The second sign-in step: a code from the authenticator app, or a recovery code.
// - `totp` mode: input labelled "Code" (one-time-code autocomplete, numeric keyboard), button
//   "Verify", and a "Use a recovery code" link that switches mode without JavaScript.
// - `recovery` mode: input labelled "Recovery code", button "Verify", and a link back.
// - A wrong, replayed or used code re-renders only this step, with the error in role="alert".
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm, textField } from './parts.js';

export interface SecondFactorViewProps {
  nonce: string;
  csrfToken: string;
  mode: 'totp' | 'recovery';
  action: string;
  /** The other mode's page. */
  switchHref: string;
  error?: string;
}

export function secondFactorView(p: SecondFactorViewProps): SafeHtml {
  const totp = p.mode === 'totp';
  const field = totp
    ? textField({ id: 'code', name: 'code', label: 'Code', type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric', required: true, autofocus: true, hint: 'The 6-digit code your authenticator app shows now.' })
    : textField({ id: 'recovery_code', name: 'recovery_code', label: 'Recovery code', type: 'text', autocomplete: 'off', required: true, autofocus: true, hint: 'One of the recovery codes you saved. Each works once.' });

  const body = html`<h1>Two-step verification</h1>
${alertBox(p.error)}
${postForm(p.action, p.csrfToken, html`${field}
  <button type="submit" class="button button-block">Verify</button>`)}
<p class="form-footer"><a href="${safeUrl(p.switchHref)}">${totp ? 'Use a recovery code' : 'Use your authenticator app'}</a></p>`;

  return layoutView({ title: 'Two-step verification', body, nonce: p.nonce });
}

// The passkey parts of the pages (sign-in, second step, account passkeys): they need JavaScript,
// the only parts of any page that do, since a WebAuthn ceremony is a browser API call.
// - `passkeyForm` is a POST form with the CSRF input, an empty hidden `response` and a button that
//   starts hidden. The passkey script (assets/passkeys.js) shows the button, asks `data-options`
//   for the ceremony's options (a POST with the CSRF token), runs the ceremony through the
//   WebAuthn library's browser helpers, puts the result in `response` and submits the form.
// - Without JavaScript (or without WebAuthn) the button stays hidden and a short explanation
//   says why; the script hides the explanation when it can run.
// - A cancelled or failed ceremony is announced in the form's own alert paragraph (the script
//   gives it role="alert" when it fills it, so an empty one is never an alert).
// - `passkeyScripts`: the library's browser bundle and our script, same-origin, with the CSP nonce.
import { html, safeUrl } from '../http/html.js';
import type { HtmlValue, SafeHtml } from '../http/html.js';
import { csrfInput } from './parts.js';
import { message } from '../messages/message.js';
import { PASSKEY_SCRIPT_HREF, WEBAUTHN_SCRIPT_HREF } from './assets.js';

export interface PasskeyFormOptions {
  /** Where the ceremony's result is posted. */
  action: string;
  /** Where the script asks for the ceremony's options. */
  optionsUrl: string;
  csrfToken: string;
  ceremony: 'authenticate' | 'register';
  label: string;
  /** More fields sent with the result (the new passkey's name). */
  fields?: HtmlValue;
}

export function passkeyForm(o: PasskeyFormOptions): SafeHtml {
  return html`<form method="post" action="${safeUrl(o.action)}" class="passkey" data-passkey="${o.ceremony}" data-options="${safeUrl(o.optionsUrl)}">
  ${csrfInput(o.csrfToken)}
  <input type="hidden" name="response" value="">
  ${o.fields ?? null}
  <p class="hint" data-passkey-nojs>${message('view.passkey.needs_js')}</p>
  <p class="alert" data-passkey-error data-failed="${message('view.passkey.failed')}" hidden></p>
  <button type="button" class="button button-block button-secondary" data-passkey-start hidden>${o.label}</button>
</form>`;
}

export function passkeyScripts(nonce: string): SafeHtml {
  return html`<script src="${WEBAUTHN_SCRIPT_HREF}" nonce="${nonce}" defer></script>
<script src="${PASSKEY_SCRIPT_HREF}" nonce="${nonce}" defer></script>`;
}

// Setting up an authenticator app, from the account page or inside a sign-in that demands it.
// - The QR code is an SVG rendered on the server, in a data: URL (CSP img-src allows data:), with
//   alt text; the same seed is shown as text ("Setup key") for typing in by hand.
// - Nothing is on until the person proves the app works: input labelled "Code", button "Verify".
// - The data: URL is built by the server from its own QR renderer (base64 only), so it is not a
//   link the person could be tricked into following; it is interpolated escaped, like any value.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm, textField } from './parts.js';
import { message } from '../messages/message.js';
import { currentBranding } from '../branding/branding-scope.js';

export interface TotpSetupViewProps {
  nonce: string;
  csrfToken: string;
  action: string;
  qrCodeDataUrl: string;
  secret: string;
  error?: string;
  /** Where "Cancel" goes (the account page); absent inside a sign-in. */
  cancelHref?: string;
  /** Said above the steps, e.g. why this sign-in needs an authenticator app. */
  intro?: string;
}

/** The seed in groups of four, as authenticator apps print it. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function totpSetupView(p: TotpSetupViewProps): SafeHtml {
  const dataUrl = /^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/.test(p.qrCodeDataUrl) ? p.qrCodeDataUrl : '';
  const body = html`<h1>${message('view.totp.title')}</h1>
${p.intro ? html`<p>${p.intro}</p>` : null}
${alertBox(p.error)}
<ol class="steps">
<li>${message('view.totp.scan')}
<img class="qr-code" src="${dataUrl}" width="200" height="200" alt="${message('view.totp.qr_alt', { product: currentBranding().productName })}"></li>
<li>${message('view.totp.by_hand')} <code class="secret" id="totp-secret">${grouped(p.secret)}</code></li>
<li>${message('view.totp.enter_code')}</li>
</ol>
${postForm(p.action, p.csrfToken, html`${textField({ id: 'code', name: 'code', label: message('view.field.code'), type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric', required: true, autofocus: true })}
  <button type="submit" class="button button-block">${message('view.totp.verify')}</button>`)}
${p.cancelHref ? html`<p class="form-footer"><a href="${safeUrl(p.cancelHref)}">${message('view.totp.cancel')}</a></p>` : null}`;

  return layoutView({ title: message('view.totp.title'), body, nonce: p.nonce });
}

export interface TotpStartViewProps {
  nonce: string;
  csrfToken: string;
  action: string;
  intro: string;
}

/**
 * The step before the setup page when a sign-in demands an authenticator app and no password
 * was typed in this interaction (a step-up on a signed-in session): creating the seed is a
 * write, so it waits for this button's POST instead of happening on a GET.
 */
export function totpStartView(p: TotpStartViewProps): SafeHtml {
  const body = html`<h1>${message('view.totp.title')}</h1>
<p>${p.intro}</p>
${postForm(p.action, p.csrfToken, html`<button type="submit" class="button button-block">${message('view.totp.start')}</button>`)}`;
  return layoutView({ title: message('view.totp.title'), body, nonce: p.nonce });
}

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
  const body = html`<h1>Set up authenticator app</h1>
${p.intro ? html`<p>${p.intro}</p>` : null}
${alertBox(p.error)}
<ol class="steps">
<li>Scan this QR code with an authenticator app.
<img class="qr-code" src="${dataUrl}" width="200" height="200" alt="QR code to add Portcullis to your authenticator app"></li>
<li>Or enter this setup key by hand: <code class="secret" id="totp-secret">${grouped(p.secret)}</code></li>
<li>Enter the code the app shows.</li>
</ol>
${postForm(p.action, p.csrfToken, html`${textField({ id: 'code', name: 'code', label: 'Code', type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric', required: true, autofocus: true })}
  <button type="submit" class="button button-block">Verify</button>`)}
${p.cancelHref ? html`<p class="form-footer"><a href="${safeUrl(p.cancelHref)}">Cancel</a></p>` : null}`;

  return layoutView({ title: 'Set up authenticator app', body, nonce: p.nonce });
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
  const body = html`<h1>Set up authenticator app</h1>
<p>${p.intro}</p>
${postForm(p.action, p.csrfToken, html`<button type="submit" class="button button-block">Set up authenticator app</button>`)}`;
  return layoutView({ title: 'Set up authenticator app', body, nonce: p.nonce });
}

// The device authorization grant's pages (RFC 8628 §3.3), drawn for oidc/device-flow.ts.
// - Every form posts to the provider's `/device` with the provider's own CSRF value (`xsrf`,
//   kept in the provider session and checked there); the markup is ours, the library's default
//   forms (inline handlers, English) are never used.
// - Enter the code: one labelled field, the code kept when the page comes back with an error
//   (role="alert"); `verification_uri_complete` prefills it, and the person still presses
//   Continue and then Allow (RFC 8628 §5.4: a code in a link is never accepted unseen).
// - Confirm: who asks (the client's name), what for (the scopes), from where (the device and
//   address that asked for the code, as the device itself said: a hint, shown as text), the
//   account this browser is signed in to (when it is), the code to compare with the device,
//   and the remote-phishing warning of RFC 8628 §5.4.
//   "Allow" sends confirm=yes, "Deny" sends abort=yes: two buttons of one form.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, textField } from './parts.js';
import { message } from '../messages/message.js';
import { messageHtml } from './text.js';

export interface DeviceInputProps {
  nonce: string;
  action: string;
  xsrf: string;
  code?: string;
  error?: string;
}

export function deviceInputView(p: DeviceInputProps): SafeHtml {
  const body = html`<h1>${message('view.device.title')}</h1>
<p>${message('view.device.intro')}</p>
${alertBox(p.error)}
<form method="post" action="${safeUrl(p.action)}">
  <input type="hidden" name="xsrf" value="${p.xsrf}">
  ${textField({ id: 'user_code', name: 'user_code', label: message('view.field.code'), type: 'text', autocomplete: 'off', value: p.code, required: true, hint: message('view.device.code_hint'), autofocus: true })}
  <div class="actions"><button type="submit" class="button">${message('view.device.continue')}</button></div>
</form>`;
  return layoutView({ title: message('view.device.title'), body, nonce: p.nonce });
}

export interface DeviceConfirmProps {
  nonce: string;
  action: string;
  xsrf: string;
  /** The code as the person typed it; the library looks it up again on Allow or Deny. */
  submittedCode: string;
  /** The code in the mask's shape (BCDF-GHJK), to compare with the device's screen. */
  displayCode: string;
  clientName: string;
  scopes: { name: string; description: string }[];
  device: string;
  address: string;
  /** The account this browser is signed in to, when it is: the one the device will get. */
  accountEmail?: string;
}

export function deviceConfirmView(p: DeviceConfirmProps): SafeHtml {
  const scopes = p.scopes.length === 0
    ? html`<p>${message('view.consent.only_signed_in')}</p>`
    : html`<p>${message('view.consent.will_be_able')}</p>
<ul class="scopes">${p.scopes.map((s) => html`<li><span class="scope-description">${s.description}</span> <code class="scope-name">${s.name}</code></li>`)}</ul>`;
  const body = html`<h1>${messageHtml('view.device.confirm_heading', { client: html`<span class="client-name">${p.clientName}</span>` })}</h1>
<p>${message('view.device.check_code')}</p>
<p class="device-code"><code>${p.displayCode}</code></p>
<p class="hint">${message('view.device.requested_from', { device: p.device, address: p.address })}</p>
${p.accountEmail === undefined ? null : html`<p class="signed-in-as">${messageHtml('view.consent.signed_in_as', { email: html`<strong>${p.accountEmail}</strong>` })}</p>`}
${scopes}
<p class="alert" role="note">${message('view.device.phishing')}</p>
<form method="post" action="${safeUrl(p.action)}">
  <input type="hidden" name="xsrf" value="${p.xsrf}">
  <input type="hidden" name="user_code" value="${p.submittedCode}">
  <div class="actions">
    <button type="submit" class="button" name="confirm" value="yes">${message('view.consent.allow')}</button>
    <button type="submit" class="button button-secondary" name="abort" value="yes">${message('view.consent.deny')}</button>
  </div>
</form>`;
  return layoutView({ title: message('view.device.confirm_title', { client: p.clientName }), body, nonce: p.nonce });
}

export function deviceDoneView(p: { nonce: string; outcome: 'success' | 'denied'; clientName?: string }): SafeHtml {
  const title = message(p.outcome === 'success' ? 'view.device.success_title' : 'view.device.denied_title');
  const text = p.outcome === 'success' ? message('view.device.success', { client: p.clientName ?? '' }) : message('view.device.denied');
  const body = html`<h1>${title}</h1>
<p role="status">${text}</p>`;
  return layoutView({ title, body, nonce: p.nonce });
}

// The account's passkeys (/account/passkeys).
// - Each passkey: its name, when it was added and last used (local time through the page script),
//   a rename form (labelled name field, "Rename") and a "Remove" button (a POST form; the account
//   page's step-up already applies, account-pages.ts).
// - "Add a passkey": a name field and the passkey button (passkey-parts.ts; needs JavaScript,
//   and says so without it). Instead, while the address is unconfirmed, what to do about it; and
//   for a session signed in too long ago, a link that signs in again (account-passkeys.routes.ts).
// - The last action's message: errors in role="alert", news in role="status".
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, localTime, pageScript, postForm, textField } from './parts.js';
import { noticeBox } from './account.view.js';
import { message } from '../messages/message.js';
import { messageHtml } from './text.js';
import { passkeyForm, passkeyScripts } from './passkey-parts.js';

export interface PasskeyRow {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface AccountPasskeysViewProps {
  nonce: string;
  csrfToken: string;
  passkeys: readonly PasskeyRow[];
  /** Whether this session may add one now (account-passkeys.routes.ts `passkeyAddition`). */
  addition: 'allowed' | 'unverified' | 'reauth';
  /** Where a fresh sign-in starts, for `reauth`. */
  reauthHref: string;
  notice?: string;
  error?: string;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function item(p: AccountPasskeysViewProps, k: PasskeyRow, index: number): SafeHtml {
  const base = `/account/passkeys/${encodeURIComponent(k.id)}`;
  const headingId = `passkey-${index}`;
  return html`<li class="passkey-item" aria-labelledby="${headingId}">
<h2 id="${headingId}">${k.name}</h2>
<p>${messageHtml('view.passkeys.added_on', { date: localTime(seconds(k.createdAt)) })}.
${k.lastUsedAt ? messageHtml('view.passkeys.last_used', { date: localTime(seconds(k.lastUsedAt)) }) : message('view.passkeys.never_used')}.</p>
${postForm(`${base}/rename`, p.csrfToken, html`${textField({ id: `passkey-name-${index}`, name: 'name', label: message('view.field.name'), type: 'text', autocomplete: 'off', value: k.name, required: true })}
  <button type="submit" class="button button-secondary">${message('view.passkeys.rename')}</button>`)}
${postForm(`${base}/remove`, p.csrfToken, html`<button type="submit" class="button button-secondary" aria-label="${message('view.passkeys.remove_label', { name: k.name })}">${message('view.passkeys.remove')}</button>`)}
</li>`;
}

export function accountPasskeysView(p: AccountPasskeysViewProps): SafeHtml {
  const list = p.passkeys.length === 0
    ? html`<p>${message('view.passkeys.none')}</p>`
    : html`<ul class="passkeys">${p.passkeys.map((k, i) => item(p, k, i))}</ul>`;
  const body = html`<h1>${message('view.passkeys.title')}</h1>
${alertBox(p.error)}
${noticeBox(p.notice)}
<p>${message('view.passkeys.intro')}</p>
${list}
<section aria-labelledby="add-passkey-heading">
<h2 id="add-passkey-heading">${message('view.passkeys.add_heading')}</h2>
${p.addition === 'unverified' ? html`<p>${message('error.account.email_unverified')}</p>` : p.addition === 'reauth' ? html`<p>${message('account.passkey_reauth')}</p>
<p><a class="button" href="${safeUrl(p.reauthHref)}">${message('account.passkey_reauth_button')}</a></p>` : passkeyForm({
  action: '/account/passkeys',
  optionsUrl: '/account/passkeys/options',
  csrfToken: p.csrfToken,
  ceremony: 'register',
  label: message('view.passkeys.add'),
  fields: textField({ id: 'new-passkey-name', name: 'name', label: message('view.passkeys.add_name'), type: 'text', autocomplete: 'off', required: true, hint: message('view.passkeys.add_name_hint') }),
})}
</section>
<p class="form-footer"><a href="/account">${message('next.back_to_account')}</a></p>
${pageScript(p.nonce)}
${passkeyScripts(p.nonce)}`;
  return layoutView({ title: message('view.passkeys.title'), body, nonce: p.nonce });
}

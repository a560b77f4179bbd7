// Recovery codes, shown once right after they were made: one per <li>, in a monospace list.
// - When `codes` is absent the page says they were already shown (a reload or a back button),
//   and how to get new ones; the codes are never stored in a readable form.
// - `next` is a link (account page) or a POST form with the CSRF input (inside a sign-in).
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { postForm } from './parts.js';
import { message } from '../messages/message.js';

export interface RecoveryCodesViewProps {
  nonce: string;
  codes?: string[];
  next: { kind: 'link'; href: string; label: string } | { kind: 'form'; action: string; csrfToken: string; label: string };
}

export function recoveryCodesView(p: RecoveryCodesViewProps): SafeHtml {
  const list = p.codes
    ? html`<p>${message('view.recovery.save')}</p>
<ul class="recovery-codes">${p.codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>`
    : html`<p>${message('view.recovery.gone')}</p>`;
  const next =
    p.next.kind === 'link'
      ? html`<div class="actions"><a class="button" href="${safeUrl(p.next.href)}">${p.next.label}</a></div>`
      : html`<div class="actions">${postForm(p.next.action, p.next.csrfToken, html`<button type="submit" class="button">${p.next.label}</button>`)}</div>`;

  const body = html`<h1>${message('view.recovery.title')}</h1>
${list}
${next}`;

  return layoutView({ title: message('view.recovery.title'), body, nonce: p.nonce });
}

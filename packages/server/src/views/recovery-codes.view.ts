// Recovery codes, shown once right after they were made: one per <li>, in a monospace list.
// - When `codes` is absent the page says they were already shown (a reload or a back button),
//   and how to get new ones; the codes are never stored in a readable form.
// - The list can be copied, downloaded as a text file and printed (codeTools).
// - `next` is a link (account page) or a POST form with the CSRF input (inside a sign-in).
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { pageScript, postForm } from './parts.js';
import { message } from '../messages/message.js';

export interface RecoveryCodesViewProps {
  nonce: string;
  codes?: string[];
  next: { kind: 'link'; href: string; label: string } | { kind: 'form'; action: string; csrfToken: string; label: string };
}

/**
 * Copy, download and print. The download is a data: URL of the codes as text (no script, no
 * request); it is built here from the codes themselves, not from input, so it skips `safeUrl`
 * (which allows only http(s)). Copy and print need the page script, so they start hidden.
 */
function codeTools(codes: string[]): SafeHtml {
  const text = `${message('codes.file_intro')}\n\n${codes.join('\n')}\n`;
  return html`<div class="code-tools">
<button type="button" class="button button-secondary" data-copy="recovery-codes-list" data-status="codes-status" data-done="${message('codes.copied')}" data-failed="${message('codes.copy_failed')}" hidden>${message('codes.copy')}</button>
<a class="button button-secondary" download="portcullis-recovery-codes.txt" href="data:text/plain;charset=utf-8,${encodeURIComponent(text)}">${message('codes.download')}</a>
<button type="button" class="button button-secondary" data-print hidden>${message('codes.print')}</button>
</div>
<p id="codes-status" class="hint" role="status"></p>`;
}

export function recoveryCodesView(p: RecoveryCodesViewProps): SafeHtml {
  const list = p.codes
    ? html`<p>${message('view.recovery.save')}</p>
<ul class="recovery-codes" id="recovery-codes-list">${p.codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
${codeTools(p.codes)}`
    : html`<p>${message('view.recovery.gone')}</p>`;
  const next =
    p.next.kind === 'link'
      ? html`<div class="actions"><a class="button" href="${safeUrl(p.next.href)}">${p.next.label}</a></div>`
      : html`<div class="actions">${postForm(p.next.action, p.next.csrfToken, html`<button type="submit" class="button">${p.next.label}</button>`)}</div>`;

  const body = html`<h1>${message('view.recovery.title')}</h1>
${list}
${next}
${p.codes ? pageScript(p.nonce) : null}`;

  return layoutView({ title: message('view.recovery.title'), body, nonce: p.nonce });
}

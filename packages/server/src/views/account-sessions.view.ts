// The account's sessions: device, address, sign-in time and last use of each, the current one
// marked "This device"; every other one has a "Sign out" button (a POST form with the CSRF
// input), and one button signs out all the others. Messages: errors in role="alert", news in
// role="status". Times are UTC in the markup and the reader's local time with the page script;
// on a narrow screen each row stacks, its cells labelled (the header row is then only read).
import { html, safeUrl, type SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, localTime, pageScript, postForm } from './parts.js';
import { noticeBox } from './account.view.js';
import { describeDevice } from './device.js';
import { message } from '../messages/message.js';

export interface SessionRow {
  handle: string;
  current: boolean;
  userAgent: string | null;
  ip: string | null;
  /** Seconds since the epoch. */
  signedInAt?: number;
  lastSeenAt?: number;
}

export interface AccountSessionsViewProps {
  nonce: string;
  csrfToken: string;
  sessions: SessionRow[];
  notice?: string;
  error?: string;
}

// A function, not a constant: the texts are the request's language.
const columns = () => ({
  device: message('view.sessions.device'),
  address: message('view.sessions.address'),
  signedIn: message('view.sessions.signed_in'),
  lastSeen: message('view.sessions.last_seen'),
  action: message('view.sessions.action'),
});

/** An IP address may break after its dots and colons (a long IPv6 one must), never elsewhere. */
function breakableAddress(ip: string): SafeHtml {
  return html`${ip.split(/(?<=[.:])/).map((piece, i) => (i === 0 ? piece : html`<wbr>${piece}`))}`;
}

/** A cell with its column's name, shown above the value when the table is stacked on a narrow screen. */
const cell = (label: string, value: SafeHtml | string) => html`<td><span class="cell-label" aria-hidden="true">${label}</span>${value}</td>`;

function row(p: AccountSessionsViewProps, s: SessionRow): SafeHtml {
  const action = s.current
    ? html`<strong>${message('view.sessions.this_device')}</strong>`
    : postForm(`/account/sessions/${encodeURIComponent(s.handle)}/revoke`, p.csrfToken, html`<button type="submit" class="button button-secondary">${message('view.sessions.sign_out')}</button>`);
  const cols = columns();
  return html`<tr data-session="${s.handle}">
${cell(cols.device, describeDevice(s.userAgent))}
${cell(cols.address, s.ip ? breakableAddress(s.ip) : message('view.sessions.unknown'))}
${cell(cols.signedIn, localTime(s.signedInAt))}
${cell(cols.lastSeen, localTime(s.lastSeenAt))}
<td>${action}</td>
</tr>`;
}

export function accountSessionsView(p: AccountSessionsViewProps): SafeHtml {
  const others = p.sessions.some((s) => !s.current);
  const cols = columns();
  const body = html`<h1>${message('view.sessions.title')}</h1>
${alertBox(p.error)}
${noticeBox(p.notice)}
<p>${message('view.sessions.intro')}</p>
<table class="sessions">
<thead><tr><th scope="col">${cols.device}</th><th scope="col">${cols.address}</th><th scope="col">${cols.signedIn}</th><th scope="col">${cols.lastSeen}</th><th scope="col"><span class="visually-hidden">${cols.action}</span></th></tr></thead>
<tbody>
${p.sessions.map((s) => row(p, s))}
</tbody>
</table>
<div class="actions">
${others ? postForm('/account/sessions/revoke-others', p.csrfToken, html`<button type="submit" class="button">${message('view.sessions.sign_out_others')}</button>`) : null}
<a class="button button-secondary" href="${safeUrl('/account')}">${message('next.back_to_account')}</a>
</div>
${pageScript(p.nonce)}`;
  return layoutView({ title: message('view.sessions.title'), body, nonce: p.nonce, wide: true });
}

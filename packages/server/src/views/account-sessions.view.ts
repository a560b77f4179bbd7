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

const COLUMNS = { device: 'Device', address: 'Address', signedIn: 'Signed in', lastSeen: 'Last seen', action: 'Action' };

/** An IP address may break after its dots and colons (a long IPv6 one must), never elsewhere. */
function breakableAddress(ip: string): SafeHtml {
  return html`${ip.split(/(?<=[.:])/).map((piece, i) => (i === 0 ? piece : html`<wbr>${piece}`))}`;
}

/** A cell with its column's name, shown above the value when the table is stacked on a narrow screen. */
const cell = (label: string, value: SafeHtml | string) => html`<td><span class="cell-label" aria-hidden="true">${label}</span>${value}</td>`;

function row(p: AccountSessionsViewProps, s: SessionRow): SafeHtml {
  const action = s.current
    ? html`<strong>This device</strong>`
    : postForm(`/account/sessions/${encodeURIComponent(s.handle)}/revoke`, p.csrfToken, html`<button type="submit" class="button button-secondary">Sign out</button>`);
  return html`<tr data-session="${s.handle}">
${cell(COLUMNS.device, describeDevice(s.userAgent))}
${cell(COLUMNS.address, s.ip ? breakableAddress(s.ip) : 'unknown')}
${cell(COLUMNS.signedIn, localTime(s.signedInAt))}
${cell(COLUMNS.lastSeen, localTime(s.lastSeenAt))}
<td>${action}</td>
</tr>`;
}

export function accountSessionsView(p: AccountSessionsViewProps): SafeHtml {
  const others = p.sessions.some((s) => !s.current);
  const body = html`<h1>Your sessions</h1>
${alertBox(p.error)}
${noticeBox(p.notice)}
<p>You are signed in on these devices. Signing one out also ends the applications' access granted there.</p>
<table class="sessions">
<thead><tr><th scope="col">${COLUMNS.device}</th><th scope="col">${COLUMNS.address}</th><th scope="col">${COLUMNS.signedIn}</th><th scope="col">${COLUMNS.lastSeen}</th><th scope="col"><span class="visually-hidden">${COLUMNS.action}</span></th></tr></thead>
<tbody>
${p.sessions.map((s) => row(p, s))}
</tbody>
</table>
<div class="actions">
${others ? postForm('/account/sessions/revoke-others', p.csrfToken, html`<button type="submit" class="button">Sign out all other sessions</button>`) : null}
<a class="button button-secondary" href="${safeUrl('/account')}">Back to your account</a>
</div>
${pageScript(p.nonce)}`;
  return layoutView({ title: 'Your sessions', body, nonce: p.nonce, wide: true });
}

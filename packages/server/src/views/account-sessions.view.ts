// The account's sessions: device, address, sign-in time and last use of each, the current one
// marked "This device"; every other one has a "Sign out" button (a POST form with the CSRF
// input), and one button signs out all the others. Messages: errors in role="alert", news in
// role="status".
import { html, safeUrl, type SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm } from './parts.js';
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

const time = (seconds: number | undefined) => {
  if (seconds === undefined) return html`unknown`;
  const iso = new Date(seconds * 1000).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
};

function row(p: AccountSessionsViewProps, s: SessionRow): SafeHtml {
  const action = s.current
    ? html`<strong>This device</strong>`
    : postForm(`/account/sessions/${encodeURIComponent(s.handle)}/revoke`, p.csrfToken, html`<button type="submit" class="button button-secondary">Sign out</button>`);
  return html`<tr data-session="${s.handle}">
<td>${describeDevice(s.userAgent)}</td>
<td>${s.ip ?? 'unknown'}</td>
<td>${time(s.signedInAt)}</td>
<td>${time(s.lastSeenAt)}</td>
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
<thead><tr><th scope="col">Device</th><th scope="col">Address</th><th scope="col">Signed in</th><th scope="col">Last seen</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>
${p.sessions.map((s) => row(p, s))}
</tbody>
</table>
<div class="actions">
${others ? postForm('/account/sessions/revoke-others', p.csrfToken, html`<button type="submit" class="button">Sign out all other sessions</button>`) : null}
<a class="button button-secondary" href="${safeUrl('/account')}">Back to your account</a>
</div>`;
  return layoutView({ title: 'Your sessions', body, nonce: p.nonce });
}

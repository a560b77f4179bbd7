// The account's sessions: device, address, sign-in time and last use of each, the current one
// marked "This device"; every other one has a "Sign out" button (a POST form with the CSRF
// input), and one button signs out all the others. Messages: errors in role="alert", news in
// role="status".
import { html, safeUrl, type SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm } from './parts.js';
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

const time = (seconds: number | undefined) => {
  if (seconds === undefined) return html`${message('view.sessions.unknown')}`;
  const iso = new Date(seconds * 1000).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
};

function row(p: AccountSessionsViewProps, s: SessionRow): SafeHtml {
  const action = s.current
    ? html`<strong>${message('view.sessions.this_device')}</strong>`
    : postForm(`/account/sessions/${encodeURIComponent(s.handle)}/revoke`, p.csrfToken, html`<button type="submit" class="button button-secondary">${message('view.sessions.sign_out')}</button>`);
  return html`<tr data-session="${s.handle}">
<td>${describeDevice(s.userAgent)}</td>
<td>${s.ip ?? message('view.sessions.unknown')}</td>
<td>${time(s.signedInAt)}</td>
<td>${time(s.lastSeenAt)}</td>
<td>${action}</td>
</tr>`;
}

export function accountSessionsView(p: AccountSessionsViewProps): SafeHtml {
  const others = p.sessions.some((s) => !s.current);
  const body = html`<h1>${message('view.sessions.title')}</h1>
${alertBox(p.error)}
${noticeBox(p.notice)}
<p>${message('view.sessions.intro')}</p>
<table class="sessions">
<thead><tr><th scope="col">${message('view.sessions.device')}</th><th scope="col">${message('view.sessions.address')}</th><th scope="col">${message('view.sessions.signed_in')}</th><th scope="col">${message('view.sessions.last_seen')}</th><th scope="col"><span class="visually-hidden">${message('view.sessions.action')}</span></th></tr></thead>
<tbody>
${p.sessions.map((s) => row(p, s))}
</tbody>
</table>
<div class="actions">
${others ? postForm('/account/sessions/revoke-others', p.csrfToken, html`<button type="submit" class="button">${message('view.sessions.sign_out_others')}</button>`) : null}
<a class="button button-secondary" href="${safeUrl('/account')}">${message('next.back_to_account')}</a>
</div>`;
  return layoutView({ title: message('view.sessions.title'), body, nonce: p.nonce });
}

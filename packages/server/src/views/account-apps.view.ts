// Connected apps: each application the person allowed, what it may access (the consent page's
// words), since when, and a "Remove access" button (a POST form with the CSRF input). Messages:
// errors in role="alert", news in role="status".
import { html, safeUrl, type SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm } from './parts.js';
import { noticeBox } from './account.view.js';

export interface AppRow {
  clientId: string;
  name: string;
  scopes: { name: string; description: string }[];
  since: Date;
}

export interface AccountAppsViewProps {
  nonce: string;
  csrfToken: string;
  apps: AppRow[];
  notice?: string;
  error?: string;
}

const day = (date: Date) => {
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 10)}</time>`;
};

function row(p: AccountAppsViewProps, app: AppRow): SafeHtml {
  const access = app.scopes.map((s) => html`<li><span class="scope-description">${s.description}</span> <code class="scope-name">${s.name}</code></li>`);
  return html`<tr data-app="${app.clientId}">
<td class="client-name">${app.name}</td>
<td><ul class="scopes">${access}</ul></td>
<td>${day(app.since)}</td>
<td>${postForm(`/account/apps/${encodeURIComponent(app.clientId)}/remove`, p.csrfToken, html`<button type="submit" class="button button-secondary" aria-label="Remove access for ${app.name}">Remove access</button>`)}</td>
</tr>`;
}

export function accountAppsView(p: AccountAppsViewProps): SafeHtml {
  const list =
    p.apps.length === 0
      ? html`<p>No applications have access to your account.</p>`
      : html`<table class="apps">
<thead><tr><th scope="col">Application</th><th scope="col">May access</th><th scope="col">Since</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>
${p.apps.map((app) => row(p, app))}
</tbody>
</table>`;
  const body = html`<h1>Connected apps</h1>
${alertBox(p.error)}
${noticeBox(p.notice)}
<p>You allowed these applications to use your account. Removing one ends its access at once (its
tokens stop working), and it has to ask you again before it can use your account.</p>
${list}
<div class="actions">
<a class="button button-secondary" href="${safeUrl('/account')}">Back to your account</a>
</div>`;
  return layoutView({ title: 'Connected apps', body, nonce: p.nonce });
}

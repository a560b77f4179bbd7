// Connected apps: each application the person allowed, what it may access (the consent page's
// words), since when, and a "Remove access" button (a POST form with the CSRF input). Messages:
// errors in role="alert", news in role="status".
import { html, safeUrl, type SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm } from './parts.js';
import { noticeBox } from './account.view.js';
import { message } from '../messages/message.js';

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
<td>${postForm(`/account/apps/${encodeURIComponent(app.clientId)}/remove`, p.csrfToken, html`<button type="submit" class="button button-secondary" aria-label="${message('view.apps.remove_label', { app: app.name })}">${message('view.apps.remove')}</button>`)}</td>
</tr>`;
}

export function accountAppsView(p: AccountAppsViewProps): SafeHtml {
  const list =
    p.apps.length === 0
      ? html`<p>${message('view.apps.none')}</p>`
      : html`<table class="apps">
<thead><tr><th scope="col">${message('view.apps.application')}</th><th scope="col">${message('view.apps.may_access')}</th><th scope="col">${message('view.apps.since')}</th><th scope="col"><span class="visually-hidden">${message('view.apps.action')}</span></th></tr></thead>
<tbody>
${p.apps.map((app) => row(p, app))}
</tbody>
</table>`;
  const body = html`<h1>${message('view.apps.title')}</h1>
${alertBox(p.error)}
${noticeBox(p.notice)}
<p>${message('view.apps.intro')}</p>
${list}
<div class="actions">
<a class="button button-secondary" href="${safeUrl('/account')}">${message('next.back_to_account')}</a>
</div>`;
  return layoutView({ title: message('view.apps.title'), body, nonce: p.nonce });
}

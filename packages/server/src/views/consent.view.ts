// Consent page.
// - Says who is signed in and which client asks for what: one list item per scope, with its
//   description (user words) and its name (for developers).
// - Two separate POST forms, each with the CSRF input: "Allow" and "Deny". Nothing changes over GET.
// - Tells the user the answer is remembered, so it is not asked again for this app, and where
//   to withdraw it (Connected apps on the account page).
import { html } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { postForm } from './parts.js';

export interface ConsentScope {
  name: string;
  description: string;
}

export interface ConsentViewProps {
  nonce: string;
  csrfToken: string;
  allowAction: string;
  denyAction: string;
  clientName: string;
  scopes: ConsentScope[];
  accountEmail: string;
}

function scopeList(scopes: ConsentScope[]): SafeHtml {
  if (scopes.length === 0) return html`<p>It asks only to confirm that you are signed in.</p>`;
  const items = scopes.map(
    (s) => html`<li><span class="scope-description">${s.description}</span> <code class="scope-name">${s.name}</code></li>`,
  );
  return html`<p>It will be able to:</p>
<ul class="scopes">${items}</ul>`;
}

export function consentView(p: ConsentViewProps): SafeHtml {
  const body = html`<h1><span class="client-name">${p.clientName}</span> wants to access your account</h1>
<p class="signed-in-as">Signed in as <strong>${p.accountEmail}</strong></p>
${scopeList(p.scopes)}
<p class="hint">Portcullis will remember your answer for ${p.clientName},
so you will not be asked again each time you sign in. You can remove its access at any time
under "Connected apps" on your account page.</p>
<div class="actions">
${postForm(p.allowAction, p.csrfToken, html`<button type="submit" class="button">Allow</button>`)}
${postForm(p.denyAction, p.csrfToken, html`<button type="submit" class="button button-secondary">Deny</button>`)}
</div>`;

  return layoutView({ title: `Allow ${p.clientName}?`, body, nonce: p.nonce });
}

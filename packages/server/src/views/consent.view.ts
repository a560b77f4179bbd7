// Consent page.
// - Says who is signed in and which client asks for what: one list item per scope, with its
//   description (user words) and its name (for developers).
// - Two separate POST forms, each with the CSRF input: "Allow" and "Deny". Nothing changes over GET.
// - The client's logo and links (site, privacy policy, terms) from its registration, when given:
//   https URLs only (validated at registration, and `safeUrl` here); the logo's alt is empty
//   because the client's name is the heading beside it.
// - A client that registered itself is marked as not verified by the operator: its name is its own.
// - Tells the user the answer is remembered, so it is not asked again for this app, and where
//   to withdraw it (Connected apps on the account page).
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { postForm } from './parts.js';
import { message } from '../messages/message.js';
import { messageHtml } from './text.js';
import { currentBranding } from '../branding/branding-scope.js';

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
  /** Per requested resource server (RFC 8707): its name, identifier and the scopes asked there. */
  resources?: { name: string; identifier: string; scopes: ConsentScope[] }[];
  accountEmail: string;
  /** From the client's registration (logo_uri, client_uri, policy_uri, tos_uri): https URLs. */
  clientLogoUri?: string;
  clientUri?: string;
  clientPolicyUri?: string;
  clientTosUri?: string;
  /** The client registered itself (RFC 7591): the operator has not checked who runs it. */
  unverified?: boolean;
}

const scopeItems = (scopes: ConsentScope[]) =>
  scopes.map((s) => html`<li><span class="scope-description">${s.description}</span> <code class="scope-name">${s.name}</code></li>`);

function scopeList(scopes: ConsentScope[], resources: NonNullable<ConsentViewProps['resources']> = []): SafeHtml {
  if (scopes.length === 0 && resources.length === 0) return html`<p>${message('view.consent.only_signed_in')}</p>`;
  const own = scopes.length === 0 ? null : html`<p>${message('view.consent.will_be_able')}</p>
<ul class="scopes">${scopeItems(scopes)}</ul>`;
  // Each API by its name, with its identifier for developers.
  const apis = resources.map((r) => html`<p class="resource">${messageHtml('view.consent.resource', { resource: html`<strong class="resource-name">${r.name}</strong> <code class="resource-identifier">${r.identifier}</code>` })}</p>
<ul class="scopes">${scopeItems(r.scopes)}</ul>`);
  return html`${own}${apis}`;
}

function clientLinks(p: ConsentViewProps): SafeHtml | null {
  const links = [
    p.clientUri && html`<li><a href="${safeUrl(p.clientUri)}" rel="noopener noreferrer">${message('view.consent.client_site')}</a></li>`,
    p.clientPolicyUri && html`<li><a href="${safeUrl(p.clientPolicyUri)}" rel="noopener noreferrer">${message('view.consent.client_policy')}</a></li>`,
    p.clientTosUri && html`<li><a href="${safeUrl(p.clientTosUri)}" rel="noopener noreferrer">${message('view.consent.client_terms')}</a></li>`,
  ].filter((link): link is SafeHtml => Boolean(link));
  return links.length === 0 ? null : html`<nav class="client-links" aria-label="${message('view.consent.client_links', { client: p.clientName })}"><ul>${links}</ul></nav>`;
}

export function consentView(p: ConsentViewProps): SafeHtml {
  const logo = p.clientLogoUri ? html`<img class="client-logo" src="${safeUrl(p.clientLogoUri)}" alt="" width="48" height="48">` : null;
  const body = html`${logo}<h1>${messageHtml('view.consent.heading', { client: html`<span class="client-name">${p.clientName}</span>` })}</h1>
${p.unverified ? html`<p class="notice unverified-client">${message('view.consent.unverified', { product: currentBranding().productName })}</p>` : null}
${clientLinks(p)}
<p class="signed-in-as">${messageHtml('view.consent.signed_in_as', { email: html`<strong>${p.accountEmail}</strong>` })}</p>
${scopeList(p.scopes, p.resources)}
<p class="hint">${message('view.consent.remembered', { product: currentBranding().productName, client: p.clientName })}</p>
<div class="actions">
${postForm(p.allowAction, p.csrfToken, html`<button type="submit" class="button">${message('view.consent.allow')}</button>`)}
${postForm(p.denyAction, p.csrfToken, html`<button type="submit" class="button button-secondary">${message('view.consent.deny')}</button>`)}
</div>`;

  return layoutView({ title: message('view.consent.title', { client: p.clientName }), body, nonce: p.nonce });
}

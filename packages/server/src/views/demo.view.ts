// Home page of the built-in demo client.
// - Explains that it is an OpenID Connect client of this very server (authorization code + PKCE).
// - Signed out: one "Sign in" link styled as a button. Signed in: the ID token claims and the userinfo
//   response as pretty-printed JSON, the raw ID token behind a <details>, "Sign out" and "Sign in again".
// - Claims and userinfo are escaped like any other text: a claim value cannot inject markup.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox } from './parts.js';
import { noticeBox } from './account.view.js';
import { message } from '../messages/message.js';
import { currentBranding } from '../branding/branding-scope.js';

export interface DemoSignedIn {
  claims: Record<string, unknown>;
  userinfo: Record<string, unknown>;
  idToken: string;
}

export interface DemoHomeViewProps {
  nonce: string;
  signInHref: string;
  signedIn?: DemoSignedIn;
  signOutHref?: string;
  error?: string;
  /** News in role="status", e.g. that a reloaded sign-in was sent back to the start. */
  notice?: string;
}

// tabindex="0" lets keyboard users scroll a long block (WCAG 2.1.1).
function jsonBlock(value: Record<string, unknown>): SafeHtml {
  return html`<pre tabindex="0"><code>${JSON.stringify(value, null, 2)}</code></pre>`;
}

function signedInSection(s: DemoSignedIn, signInHref: string, signOutHref: string | undefined): SafeHtml {
  return html`<section aria-labelledby="signed-in">
<h2 id="signed-in">${message('view.demo.signed_in')}</h2>
<section aria-labelledby="claims">
<h3 id="claims">${message('view.demo.claims')}</h3>
${jsonBlock(s.claims)}
</section>
<section aria-labelledby="userinfo">
<h3 id="userinfo">${message('view.demo.userinfo')}</h3>
${jsonBlock(s.userinfo)}
</section>
<details>
<summary>${message('view.demo.raw_token')}</summary>
<pre tabindex="0" class="token"><code>${s.idToken}</code></pre>
</details>
<div class="actions">
${signOutHref === undefined ? null : html`<a class="button" href="${safeUrl(signOutHref)}">${message('view.demo.sign_out')}</a>`}
<a class="button button-secondary" href="${safeUrl(signInHref)}">${message('view.demo.sign_in_again')}</a>
</div>
</section>`;
}

export function demoHomeView(p: DemoHomeViewProps): SafeHtml {
  const body = html`<h1>${message('view.demo.title', { product: currentBranding().productName })}</h1>
<p>${message('view.demo.intro', { product: currentBranding().productName })}</p>
${alertBox(p.error)}
${noticeBox(p.notice)}
${
  p.signedIn
    ? signedInSection(p.signedIn, p.signInHref, p.signOutHref)
    : html`<div class="actions"><a class="button" href="${safeUrl(p.signInHref)}">${message('view.demo.sign_in')}</a></div>`
}`;

  return layoutView({ title: message('view.demo.title', { product: currentBranding().productName }), body, nonce: p.nonce });
}

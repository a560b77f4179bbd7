// The page shell shared by every view.
// - Full `<html lang>` document (pass it to renderDocument) in the request's language
//   (messages/locale-scope.ts): charset, viewport, "<title> · <product name>".
// - Branding (branding/branding-scope.ts): the product name and logo in the header, support and
//   legal links in the footer, the primary colour as custom properties in a nonce'd <style>
//   (branding/brand-colour.ts). Every URL was validated (https, or a path here for the logo) and
//   still goes through `safeUrl`; the logo's origin is added to img-src by the page-context
//   middleware. The logo has an empty alt: the product name beside it says the same.
// - Otherwise styling comes only from the same-origin stylesheet; no other inline style and no
//   inline script. The pages that use the same-origin page script load it with `nonce` (parts.ts
//   pageScript).
// - `wide` gives a page with a table a wider column.
// - `<link rel="icon" href="data:,">` stops browsers requesting /favicon.ico (CSP allows img-src data:).
// - Pages are not indexed: they are sign-in and consent steps, not content.
import { html, raw, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { STYLESHEET_HREF } from './assets.js';
import { currentBranding } from '../branding/branding-scope.js';
import { brandColourCss } from '../branding/brand-colour.js';
import { currentLocale } from '../messages/locale-scope.js';
import { message } from '../messages/message.js';

export interface LayoutProps {
  title: string;
  body: SafeHtml;
  nonce: string;
  /** A wider column, for pages with a table (the sessions list). */
  wide?: boolean;
}

function footer(): SafeHtml | null {
  const b = currentBranding();
  const links = [
    b.supportUrl && html`<a href="${safeUrl(b.supportUrl)}">${message('view.layout.support')}</a>`,
    b.privacyUrl && html`<a href="${safeUrl(b.privacyUrl)}">${message('view.layout.privacy')}</a>`,
    b.termsUrl && html`<a href="${safeUrl(b.termsUrl)}">${message('view.layout.terms')}</a>`,
  ].filter((link): link is SafeHtml => Boolean(link));
  return links.length === 0 ? null : html`<footer class="site-footer"><nav aria-label="${message('view.layout.footer')}">${links}</nav></footer>`;
}

export function layoutView({ title, body, nonce, wide }: LayoutProps): SafeHtml {
  const b = currentBranding();
  // Only `#rrggbb` ever reaches brandColourCss's output, so raw() holds no outside text.
  const colour = brandColourCss(b.primaryColor);
  return html`<html lang="${currentLocale()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex, nofollow">
<title>${title} · ${b.productName}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${STYLESHEET_HREF}">
${colour === undefined ? null : html`<style nonce="${nonce}">${raw(colour)}</style>`}
</head>
<body${wide ? html` class="wide"` : null}>
<header class="site-header"><p class="brand">${b.logoUrl ? html`<img class="brand-logo" src="${safeUrl(b.logoUrl)}" alt="" height="32">` : null}${b.productName}</p></header>
<main class="card">
${body}
</main>
${footer()}
</body>
</html>`;
}

// The page shell shared by every view.
// - Full `<html lang="en">` document (pass it to renderDocument): charset, viewport, "<title> · Portcullis".
// - Styling comes only from the same-origin stylesheet; no inline style or script. The pages that
//   use the same-origin page script load it with `nonce` (parts.ts pageScript).
// - `wide` gives a page with a table a wider column.
// - `<link rel="icon" href="data:,">` stops browsers requesting /favicon.ico (CSP allows img-src data:).
// - Pages are not indexed: they are sign-in and consent steps, not content.
import { html } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { STYLESHEET_HREF } from './assets.js';

export interface LayoutProps {
  title: string;
  body: SafeHtml;
  nonce: string;
  /** A wider column, for pages with a table (the sessions list). */
  wide?: boolean;
}

export function layoutView({ title, body, wide }: LayoutProps): SafeHtml {
  return html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex, nofollow">
<title>${title} · Portcullis</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${STYLESHEET_HREF}">
</head>
<body${wide ? html` class="wide"` : null}>
<header class="site-header"><p class="brand">Portcullis</p></header>
<main class="card">
${body}
</main>
</body>
</html>`;
}

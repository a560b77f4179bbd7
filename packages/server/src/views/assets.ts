// Static assets of the server-rendered pages.
// - The stylesheet is one same-origin file (CSP `style-src 'self'`): no external URLs. The one inline
//   style a page may carry is the brand colour's custom properties (layout.view.ts).
// - STYLESHEET_HREF is what the layout links; the server serves STYLESHEET_FILE at that path.
// - SCRIPT_HREF is the one script (progressive enhancement only), served beside it.
import { fileURLToPath } from 'node:url';

export const STYLESHEET_HREF = '/assets/portcullis.css';

/** Absolute path of the stylesheet on disk, for the static route that serves STYLESHEET_HREF. */
export const STYLESHEET_FILE = fileURLToPath(new URL('./assets/portcullis.css', import.meta.url));

/** The pages' one script (progressive enhancement only), loaded with the CSP nonce: see parts.ts `pageScript`. */
export const SCRIPT_HREF = '/assets/portcullis.js';

/**
 * The WebAuthn library's browser bundle (@simplewebauthn/browser, served from the installed
 * package by http/assets.ts) and our passkey script using it: loaded only by pages with a passkey
 * part (passkey-parts.ts), with the CSP nonce.
 */
export const WEBAUTHN_SCRIPT_HREF = '/assets/webauthn.js';
export const PASSKEY_SCRIPT_HREF = '/assets/passkeys.js';

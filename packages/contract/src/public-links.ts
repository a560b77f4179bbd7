/**
 * Addresses and colours an operator or a client registration puts on our pages, refused unless
 * they are harmless there. Shared by the environment (packages/config), the admin API and the CLI.
 * - A link a person may follow (support, privacy policy, terms, a client's site): https only, so
 *   `javascript:`, `data:` and plain-http addresses never reach an href.
 * - A logo: https, or a path on our own origin (`/assets/…`). The browser fetches it, never the
 *   server, so there is no server-side request to forge; CSP img-src lists its origin only.
 * - A colour: `#rrggbb` and nothing else, so it cannot end the CSS declaration it is put in.
 */
import { z } from 'zod';

const MAX_URL = 2000;

/** Why `value` is not an absolute https URL without credentials, or undefined when it is. */
export function httpsUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https:// URL';
  }
  if (url.protocol !== 'https:') return `must be an https:// URL, not ${url.protocol}`;
  if (url.username || url.password) return 'must not hold a user name or password';
  return undefined;
}

/**
 * An image's origin joins the Content-Security-Policy header (`img-src`), so its host must be a
 * plain host name: letters, digits, hyphens and dots (an internationalised name arrives here as
 * punycode). The URL parser accepts `;`, `,`, `'` and `*` in a host, which would end or widen
 * the CSP directive; an IP literal in brackets is refused too (no logo needs one).
 */
export function imageUrlProblem(value: string): string | undefined {
  const problem = httpsUrlProblem(value);
  if (problem) return problem;
  if (!/^[a-z0-9.-]+$/i.test(new URL(value).hostname)) return 'must have a host name of letters, digits, hyphens and dots only';
  return undefined;
}

export const imageUrl = z
  .string()
  .trim()
  .max(MAX_URL)
  .superRefine((value, ctx) => {
    const problem = imageUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A same-origin path: one leading slash (not `//host`, not a backslash), no scheme. */
const SAME_ORIGIN_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

export const httpsUrl = z
  .string()
  .trim()
  .max(MAX_URL)
  .superRefine((value, ctx) => {
    const problem = httpsUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const logoUrl = z
  .string()
  .trim()
  .max(MAX_URL)
  .superRefine((value, ctx) => {
    if (SAME_ORIGIN_PATH.test(value)) return;
    const problem = imageUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: httpsUrlProblem(value) ? 'must be an https:// URL or a path on this server such as /assets/logo.svg' : problem });
  });

export const hexColour = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb, such as #1d4ed8')
  .transform((value) => value.toLowerCase());

/** A product name: one line of ordinary text. */
export const productName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(60, 'must be at most 60 characters')
  .refine((value) => !/\p{Cc}/u.test(value), 'must be one line of text without control characters');

/**
 * One-shot values carried across a 303 in a cookie the browser cannot read or forge: the value
 * is sealed with the secret box (AES-256-GCM), its `aad` binding it to one account and purpose,
 * and `take` reads and deletes it in the same response. Used to show recovery codes once on
 * the page a POST redirects to, and to carry an account page's message across its redirect;
 * `read` (no delete) keeps a started enrolment's seed in the account-page session that started it.
 * HttpOnly, SameSite=Lax, Secure on https, scoped to a path, and short-lived.
 */
import type { Context } from 'koa';
import type { SecretBox } from '../crypto/secret-box.js';

export interface SealedCookieOptions {
  path: string;
  aad: string;
}

export interface SealedCookies {
  put(ctx: Context, name: string, value: unknown, options: SealedCookieOptions & { maxAgeMs: number }): void;
  /** The value, once: the cookie is deleted whether or not it opened. */
  take(ctx: Context, name: string, options: SealedCookieOptions): unknown;
  /** The value, leaving the cookie in place; undefined when absent or not opening. */
  read(ctx: Context, name: string, options: SealedCookieOptions): unknown;
  clear(ctx: Context, name: string, options: Pick<SealedCookieOptions, 'path'>): void;
}

export function createSealedCookies(deps: { box: SecretBox; secure: boolean }): SealedCookies {
  const base = { httpOnly: true, sameSite: 'lax' as const, secure: deps.secure, signed: false, overwrite: true };
  const open = (sealed: string, aad: string): unknown => {
    try {
      return JSON.parse(deps.box.open(sealed, aad)) as unknown;
    } catch {
      return undefined;
    }
  };
  return {
    put(ctx, name, value, options) {
      ctx.cookies.set(name, deps.box.seal(JSON.stringify(value), options.aad), { ...base, path: options.path, maxAge: options.maxAgeMs });
    },
    take(ctx, name, options) {
      const sealed = ctx.cookies.get(name, { signed: false });
      if (sealed === undefined) return undefined;
      ctx.cookies.set(name, null, { ...base, path: options.path });
      return open(sealed, options.aad);
    },
    read(ctx, name, options) {
      const sealed = ctx.cookies.get(name, { signed: false });
      return sealed === undefined ? undefined : open(sealed, options.aad);
    },
    clear(ctx, name, options) {
      ctx.cookies.set(name, null, { ...base, path: options.path });
    },
  };
}

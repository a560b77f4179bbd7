/**
 * One-shot values carried across a 303 in a cookie the browser cannot read or forge: the value
 * is sealed with the secret box (AES-256-GCM), its `aad` binding it to one account and purpose,
 * and `take` reads and deletes it in the same response. Used to show recovery codes once on
 * the page a POST redirects to, and to carry an account page's message across its redirect.
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
}

export function createSealedCookies(deps: { box: SecretBox; secure: boolean }): SealedCookies {
  const base = { httpOnly: true, sameSite: 'lax' as const, secure: deps.secure, signed: false, overwrite: true };
  return {
    put(ctx, name, value, options) {
      ctx.cookies.set(name, deps.box.seal(JSON.stringify(value), options.aad), { ...base, path: options.path, maxAge: options.maxAgeMs });
    },
    take(ctx, name, options) {
      const sealed = ctx.cookies.get(name, { signed: false });
      if (sealed === undefined) return undefined;
      ctx.cookies.set(name, null, { ...base, path: options.path });
      try {
        return JSON.parse(deps.box.open(sealed, options.aad)) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}

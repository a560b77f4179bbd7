/**
 * The device cookie (OWASP "Slow Down Online Guessing Attacks with Device Cookies"; SECURITY.md
 * A14): a browser that has signed in to an account carries a cookie naming that account and a
 * random nonce, and its later password attempts for that account are counted per device
 * instead of per account (limits/attempt-guard.ts). So the per-account lockout, which anyone
 * can trigger from many addresses, refuses only devices the account has never signed in from.
 * - Issued after a correct password (and after a registration), with a fresh nonce each time.
 * - Signed with COOKIE_KEYS (Koa's `app.keys`, HMAC): it cannot be forged or edited to name
 *   another account. It proves only "this browser signed in to this account before", carries no
 *   secret, and opens nothing by itself: the password is still checked.
 * - One account per browser: signing in to another account replaces it.
 * - HttpOnly, SameSite=Lax, Path=/, 180 days; on https `__Host-` and Secure.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';

export const DEVICE_COOKIE_MAX_AGE_MS = 180 * 24 * 3600 * 1000;

const value = z.object({ a: z.string().min(1).max(320), n: z.string().regex(/^[A-Za-z0-9_-]{22}$/) });

export interface DeviceCookies {
  /** The device nonce when this browser's cookie is valid and names `email` (normalised). */
  read(ctx: Context, email: string): string | undefined;
  /** Marks this browser as one that signed in to `email` (normalised). */
  issue(ctx: Context, email: string): void;
}

export function createDeviceCookies(deps: { secure: boolean }): DeviceCookies {
  const name = deps.secure ? '__Host-portcullis.device' : 'portcullis.device';
  const options = { httpOnly: true, sameSite: 'lax' as const, secure: deps.secure, path: '/', signed: true, overwrite: true };
  return {
    read(ctx, email) {
      const raw = ctx.cookies.get(name, { signed: true });
      if (!raw) return undefined;
      try {
        const parsed = value.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
        return parsed.success && parsed.data.a === email ? parsed.data.n : undefined;
      } catch {
        return undefined;
      }
    },
    issue(ctx, email) {
      const cookie = { a: email, n: randomBytes(16).toString('base64url') };
      ctx.cookies.set(name, Buffer.from(JSON.stringify(cookie)).toString('base64url'), { ...options, maxAge: DEVICE_COOKIE_MAX_AGE_MS });
    },
  };
}

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
 * - It names the account by an HMAC of its email (keyed with the newest cookie key), not the
 *   email itself: the cookie lives 180 days and outlives sign-out, and a shared computer or a
 *   logged Cookie header must not tell who signed in there. A cookie-key rotation makes every
 *   device unknown again, which costs a person nothing but the per-account exemption.
 * - One account per browser: signing in to another account replaces it.
 * - HttpOnly, SameSite=Lax, Path=/, 180 days; on https `__Host-` and Secure.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';

export const DEVICE_COOKIE_MAX_AGE_MS = 180 * 24 * 3600 * 1000;

const value = z.object({
  a: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  n: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  /** Set once a second factor verified on this device: only then are its codes counted on their own. */
  s: z.literal(1).optional(),
});
type Value = z.infer<typeof value>;

/**
 * What the device is trusted for. Any device that signed in with the password may guess
 * passwords on its own counter; only one where the second factor verified before may guess
 * codes on its own counter. A password alone buys a device cookie, so without that rule whoever
 * knows the password could mint devices, each with fresh code guesses outside the per-account
 * code limit.
 */
export type DeviceTrust = 'password' | 'code';

export interface DeviceCookies {
  /** The device nonce when this browser's cookie is valid, names `email` (normalised) and is trusted for `trust`. */
  read(ctx: Context, email: string, trust?: DeviceTrust): string | undefined;
  /** Marks this browser as one that signed in to `email` (normalised) with its password; a fresh nonce. */
  issue(ctx: Context, email: string): void;
  /** Marks this browser's device as one where `email`'s second factor verified. */
  secondFactorVerified(ctx: Context, email: string): void;
}

export function createDeviceCookies(deps: { secure: boolean; /** The newest cookie key. */ key: string }): DeviceCookies {
  const accountOf = (email: string) => createHmac('sha256', deps.key).update(`portcullis-device:${email}`).digest('base64url');
  const name = deps.secure ? '__Host-portcullis.device' : 'portcullis.device';
  const options = { httpOnly: true, sameSite: 'lax' as const, secure: deps.secure, path: '/', signed: true, overwrite: true };
  /** This browser's cookie when it names `email`'s account. */
  const current = (ctx: Context, email: string): Value | undefined => {
    const raw = ctx.cookies.get(name, { signed: true });
    if (!raw) return undefined;
    try {
      const parsed = value.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
      return parsed.success && parsed.data.a === accountOf(email) ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
  const write = (ctx: Context, cookie: Value) =>
    ctx.cookies.set(name, Buffer.from(JSON.stringify(cookie)).toString('base64url'), { ...options, maxAge: DEVICE_COOKIE_MAX_AGE_MS });
  return {
    read(ctx, email, trust = 'password') {
      const cookie = current(ctx, email);
      return cookie && (trust === 'password' || cookie.s === 1) ? cookie.n : undefined;
    },
    issue(ctx, email) {
      // The same browser signing in to the same account keeps what it proved before.
      const before = current(ctx, email);
      write(ctx, { a: accountOf(email), n: randomBytes(16).toString('base64url'), ...(before?.s && { s: before.s }) });
    },
    secondFactorVerified(ctx, email) {
      const before = current(ctx, email);
      write(ctx, { a: accountOf(email), n: before?.n ?? randomBytes(16).toString('base64url'), s: 1 });
    },
  };
}

/**
 * What every account page handler shares: the signed-in account (or a 303 to sign in), the CSRF
 * check bound to the account session, the one-shot message carried across each POST's 303, and
 * the page renderer. Every POST on the account page answers 303, success or not (R11), except
 * a guess refused by the limits, which answers 429 with Retry-After (A13).
 * A session whose sign-in is weaker than the account's current factors (a password only, while
 * the account has an authenticator app) sees nothing and changes nothing: `signedIn` sends it
 * to sign in again with the second factor (a step-up), then back here (SECURITY.md A16).
 */
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import type { SealedCookies } from '../http/sealed-cookie.js';
import type { Csrf } from '../interactions/csrf.js';
import { ACR } from '../oidc/acr.js';
import { message } from '../messages/message.js';
import type { AccountSession, AccountSessions } from './account-session.js';

/** Where a session too weak for the account is sent: a sign-in that asks for the second factor. */
export const STEP_UP_PATH = '/account/login?step_up=mfa';

const FLASH = 'portcullis.account.flash';
const flashSchema = z.object({ kind: z.enum(['error', 'notice']), message: z.string().max(500) });
export type Flash = z.infer<typeof flashSchema>;

export interface AccountPagesDeps {
  sessions: AccountSessions;
  /** Whether the account has a second factor: its sessions must then have signed in with it. */
  hasSecondFactor(accountId: string): Promise<boolean>;
  csrf: Csrf;
  sealed: SealedCookies;
}

export function createAccountPages(deps: AccountPagesDeps) {
  const flashOptions = (session: AccountSession) => ({ path: '/account', aad: `flash:${session.accountId}:${session.csrfScope}` });

  const resolve = async (ctx: Context): Promise<AccountSession | undefined> => {
    const session = await deps.sessions.resolve(ctx);
    if (!session) {
      ctx.status = 303;
      ctx.redirect('/account/login');
    }
    return session;
  };

  /** Answers 303 to `location`, carrying one message to the page shown there. */
  const redirectWith = (ctx: Context, session: AccountSession, location: string, flash?: Flash): void => {
    if (flash) deps.sealed.put(ctx, FLASH, flash, { ...flashOptions(session), maxAgeMs: 5 * 60 * 1000 });
    ctx.status = 303;
    ctx.redirect(location);
  };

  return {
    /**
     * The signed-in account whatever its strength, or undefined after answering 303 to the
     * sign-in. Only for a page that shows what this very session just made (the recovery codes
     * of a set-up it confirmed); everything else uses `signedIn`.
     */
    resolve,

    /**
     * The signed-in account, or undefined after answering 303 to the sign-in, or to a step-up
     * when the session signed in with less than the account now requires.
     */
    async signedIn(ctx: Context): Promise<AccountSession | undefined> {
      const session = await resolve(ctx);
      if (!session) return undefined;
      if (session.acr !== ACR.mfa && (await deps.hasSecondFactor(session.accountId))) {
        ctx.status = 303;
        ctx.redirect(STEP_UP_PATH);
        return undefined;
      }
      return session;
    },

    /**
     * For a change that adds a way in (an authenticator app, a passkey) or moves the account to
     * another address: the account's address must be confirmed first, or whoever registered an
     * address that is not theirs could arm the account before its owner recovers it (SECURITY.md
     * A6). False after answering 303 to `back` with a message that says how to confirm it.
     */
    requireVerifiedEmail(ctx: Context, session: AccountSession, back: string): boolean {
      if (session.emailVerified) return true;
      redirectWith(ctx, session, back, { kind: 'error', message: message('error.account.email_unverified') });
      return false;
    },

    /** For POSTs: the CSRF token must match this account session before anything else runs. */
    requireCsrf(ctx: Context, session: AccountSession): void {
      if (!deps.csrf.verify(session.csrfScope, (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) throw new AppError('request.csrf');
    },

    csrfToken: (session: AccountSession) => deps.csrf.tokenFor(session.csrfScope),

    redirectWith,

    takeFlash(ctx: Context, session: AccountSession): { error?: string; notice?: string } {
      const parsed = flashSchema.safeParse(deps.sealed.take(ctx, FLASH, flashOptions(session)));
      if (!parsed.success) return {};
      return parsed.data.kind === 'error' ? { error: parsed.data.message } : { notice: parsed.data.message };
    },

    sealed: deps.sealed,
  };
}

export type AccountPages = ReturnType<typeof createAccountPages>;

/** The message of an expected failure, for the flash; anything else is rethrown. */
export function failureMessage(error: unknown, codes: readonly string[]): string {
  if (error instanceof AppError && codes.some((code) => error.code.startsWith(code))) return error.publicMessage;
  throw error;
}

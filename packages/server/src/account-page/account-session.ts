/**
 * The account page's session: a signed, HttpOnly, SameSite=Lax cookie scoped to /account that
 * holds only the account id and the `sid` of the account client in this browser's provider
 * session, read from that session when the code is redeemed (the ID token carries no `sid`
 * unless a logout feature asks for it). It proves nothing by itself: every request also loads the
 * provider session from the browser's session cookie and requires that it is still alive,
 * still belongs to that account, and still carries that `sid`.
 * So the account page ends whenever the provider session does (sign-out, expiry, a password
 * change elsewhere, another person signing in in this browser), with no second session store.
 * The CSRF scope of its forms is bound to the `sid` (SECURITY.md A12).
 * `acr` says how the provider session signed in; the account pages compare it with the account's
 * current factors (account-pages.ts) before anything is shown or changed (SECURITY.md A16).
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import type { UsersService } from '../accounts/users.service.js';
import { sessionHandle } from '../oidc/account-artefacts.js';
import { ACCOUNT_CLIENT_ID } from './account-client.js';

export interface AccountSession {
  accountId: string;
  email: string;
  /** The provider session's id (its cookie value), kept alive by a password change. */
  sessionId: string;
  /** The session's name outside the server (oidc/account-artefacts.ts `sessionHandle`). */
  handle: string;
  csrfScope: string;
  /** How the provider session signed in (oidc/acr.ts); undefined for a session older than acr. */
  acr?: string;
  /** Whether the account's address is confirmed: adding a factor or changing the address waits for it (A6). */
  emailVerified: boolean;
  /** When the provider session last signed in, in epoch seconds (its `loginTs`); undefined when unknown. */
  signedInAt?: number;
}

const cookieValue = z.object({ a: z.string().min(1).max(200), s: z.string().min(1).max(200) });

export interface AccountSessions {
  resolve(ctx: Context): Promise<AccountSession | undefined>;
  /** Binds the account page to this browser's provider session, which must be `accountId`'s. */
  establish(ctx: Context, accountId: string): Promise<boolean>;
  clear(ctx: Context): void;
}

export function createAccountSessions(deps: { getProvider(): Provider; users: Pick<UsersService, 'findById'>; secure: boolean }): AccountSessions {
  const name = deps.secure ? '__Secure-portcullis.account' : 'portcullis.account';
  const options = { httpOnly: true, sameSite: 'lax' as const, secure: deps.secure, path: '/account', signed: true, overwrite: true };

  const providerSession = async (ctx: Context) => {
    const provider = deps.getProvider();
    const id = ctx.cookies.get(provider.cookieName('session'), { signed: true });
    return id ? provider.Session.find(id) : undefined;
  };

  return {
    async resolve(ctx) {
      const raw = ctx.cookies.get(name, { signed: true });
      if (!raw) return undefined;
      let parsed;
      try {
        parsed = cookieValue.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
      } catch {
        return undefined;
      }
      if (!parsed.success) return undefined;
      const { a: accountId, s: sid } = parsed.data;
      const session = await providerSession(ctx);
      if (!session || session.accountId !== accountId || session.sidFor(ACCOUNT_CLIENT_ID) !== sid) return undefined;
      const account = await deps.users.findById(accountId);
      if (!account || account.disabled) return undefined;
      return { accountId, email: account.email, sessionId: session.jti, handle: sessionHandle(session.uid), csrfScope: `account:${sid}`, emailVerified: account.emailVerified, ...(typeof session.acr === 'string' && { acr: session.acr }), ...(typeof session.loginTs === 'number' && { signedInAt: session.loginTs }) };
    },

    async establish(ctx, accountId) {
      const session = await providerSession(ctx);
      const sid = session?.sidFor(ACCOUNT_CLIENT_ID);
      if (!session || session.accountId !== accountId || !sid) return false;
      ctx.cookies.set(name, Buffer.from(JSON.stringify({ a: accountId, s: sid })).toString('base64url'), options);
      return true;
    },

    clear(ctx) {
      ctx.cookies.set(name, null, options);
    },
  };
}

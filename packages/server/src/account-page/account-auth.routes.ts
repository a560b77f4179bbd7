/**
 * Signing in to and out of the account page.
 * - `/account/login` starts an authorization code + PKCE request for the account client; the
 *   verifier, state and nonce wait in a signed, HttpOnly cookie scoped to /account (10 minutes).
 * - `/account/callback` redeems the code like any client, then binds the account page to the
 *   provider session that signed in (account-session.ts). Sign-in itself, with its second
 *   factor, is the ordinary interaction: the account page adds no other way in.
 * - `/account/login?step_up=mfa` asks for the second factor as well (`acr_values`): the account
 *   pages send a session that signed in with a password only there once the account has an
 *   authenticator app (account-pages.ts); the provider then asks only for the code.
 * - `/account/login?reauth=passkeys` asks for a fresh sign-in (`prompt=login`) and comes back to
 *   the passkeys page: adding a passkey needs a sign-in from the last few minutes
 *   (account-passkeys.routes.ts).
 * - "Sign out" (POST, CSRF) ends the provider session in this browser the way every ending of a
 *   session goes (accounts/session-ending.ts: grants revoked, back-channel logout tokens, one
 *   `session.revoked` event), so every application's sign-in prompt comes back too. It is
 *   allowed to a session of any strength: ending one's own session only takes power away.
 */
import Router from '@koa/router';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { sendPage } from '../http/render.js';
import { nonceOf, requestIdOf } from '../http/request-state.js';
import { formBody } from '../http/form-body.js';
import { AppError } from '../http/app-error.js';
import type { Logger } from '../observability/logger.js';
import { requestMeta } from '../audit/audit.service.js';
import { logoutSuccessView } from '../views/logout-success.view.js';
import { ACCOUNT_CLIENT_ID, ACCOUNT_SCOPE, type AccountRelyingParty } from './account-client.js';
import type { AccountSessions } from './account-session.js';
import type { SessionEnding } from '../accounts/session-ending.js';
import { ACR } from '../oidc/acr.js';
import type { AccountPages } from './account-pages.js';
import { beginSignIn } from '../oidc/self-sign-in.js';

const pending = z.object({ verifier: z.string(), state: z.string(), nonce: z.string(), back: z.literal('/account/passkeys').optional() });

export interface AccountAuthDeps {
  issuer: string;
  rp: AccountRelyingParty;
  sessions: AccountSessions;
  pages: AccountPages;
  ending: SessionEnding;
  logger: Logger;
}

export function accountAuthRoutes(deps: AccountAuthDeps): Router {
  const router = new Router({ prefix: '/account' });
  const secure = deps.issuer.startsWith('https://');
  const cookie = secure ? '__Secure-portcullis.account.pending' : 'portcullis.account.pending';
  const cookieOptions = { signed: true, httpOnly: true, sameSite: 'lax' as const, secure, path: '/account', overwrite: true };

  router.get('/login', async (ctx) => {
    const stepUp = ctx.query.step_up === 'mfa';
    const reauth = ctx.query.reauth === 'passkeys';
    const { url, pending: started } = await beginSignIn(await deps.rp.configuration(), { redirectUri: `${deps.issuer}/account/callback`, scope: ACCOUNT_SCOPE, ...(stepUp && { acrValues: ACR.mfa }), ...(reauth && { prompt: 'login' as const }) });
    const saved = { ...started, ...(reauth && { back: '/account/passkeys' as const }) };
    ctx.cookies.set(cookie, Buffer.from(JSON.stringify(saved)).toString('base64url'), { ...cookieOptions, maxAge: 10 * 60 * 1000 });
    ctx.status = 303;
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    const raw = ctx.cookies.get(cookie, { signed: true });
    ctx.cookies.set(cookie, null, cookieOptions);
    let saved: z.infer<typeof pending> | undefined;
    try {
      saved = raw ? pending.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))) : undefined;
    } catch {
      saved = undefined;
    }
    if (!saved) throw new AppError('interaction.expired');
    let claims: oidc.IDToken;
    try {
      const config = await deps.rp.configuration();
      const tokens = await oidc.authorizationCodeGrant(config, new URL(`${deps.issuer}/account/callback${ctx.search}`), {
        pkceCodeVerifier: saved.verifier,
        expectedState: saved.state,
        expectedNonce: saved.nonce,
      });
      claims = tokens.claims()!;
    } catch (error) {
      if (error instanceof AppError) throw error; // this server unreachable: its own page (503)
      deps.logger.info('account sign-in failed', { requestId: requestIdOf(ctx), reason: error instanceof Error ? error.name : 'unknown' });
      throw new AppError('interaction.expired', undefined, { cause: error });
    }
    if (claims.aud !== ACCOUNT_CLIENT_ID || !(await deps.sessions.establish(ctx, claims.sub))) {
      throw new AppError('interaction.expired');
    }
    ctx.status = 303;
    ctx.redirect(saved.back ?? '/account');
  });

  router.post('/logout', formBody(), async (ctx) => {
    const session = await deps.sessions.resolve(ctx);
    if (!session) {
      ctx.status = 303;
      ctx.redirect('/account/signed-out');
      return;
    }
    deps.pages.requireCsrf(ctx, session);
    await deps.ending.end(session.accountId, [{ id: session.sessionId, handle: session.handle }], { reason: 'sign_out', clientId: ACCOUNT_CLIENT_ID, meta: requestMeta(ctx) });
    deps.sessions.clear(ctx);
    ctx.status = 303;
    ctx.redirect('/account/signed-out');
  });

  router.get('/signed-out', (ctx) => {
    sendPage(ctx, 200, logoutSuccessView({ nonce: nonceOf(ctx) }));
  });

  return router;
}

/**
 * `/demo` (embedded mode only): press "Sign in", register or sign in, and see the ID token claims
 * and userinfo come back. The PKCE verifier, state and nonce live in a signed, HttpOnly cookie
 * for the few minutes the round trip takes. Tokens are shown to the person, never logged.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { sendPage } from '../http/render.js';
import { demoHomeView } from '../views/demo.view.js';
import type { Logger } from '../observability/logger.js';
import { DEMO_SCOPE } from './demo-client.js';
import { AppError } from '../http/app-error.js';
import type { OwnRelyingParty } from '../oidc/own-issuer.js';
import { nonceOf, requestIdOf } from '../http/request-state.js';
import { beginSignIn } from '../oidc/self-sign-in.js';
import { message } from '../messages/message.js';

const COOKIE = 'portcullis.demo';
/** `/demo?notice=…`: the notice a stale callback leaves (a fixed word, never text from the URL). */
const NOTICES = { restart: 'demo.sign_in_restart', elsewhere: 'demo.sign_in_expired' } as const;
type Notice = keyof typeof NOTICES;

/** openid-client's refusal of a callback whose `state` is not the one this browser saved. */
const isStateMismatch = (error: unknown) => error instanceof oidc.ClientError && error.code === 'OAUTH_INVALID_RESPONSE' && /state/i.test(error.message);
const pending = z.object({ verifier: z.string(), state: z.string(), nonce: z.string() });

export function demoRoutes(deps: { issuer: string; rp: OwnRelyingParty; logger: Logger }): Router {
  const router = new Router();
  const secure = deps.issuer.startsWith('https://');
  const home = (ctx: Context, status: number, extra: Partial<Parameters<typeof demoHomeView>[0]> = {}) =>
    sendPage(ctx, status, demoHomeView({ nonce: nonceOf(ctx), signInHref: '/demo/login', ...extra }));

  router.get('/', (ctx) => {
    ctx.redirect('/demo');
  });
  router.get('/demo', (ctx) => {
    const notice = ctx.query.notice;
    home(ctx, 200, typeof notice === 'string' && Object.hasOwn(NOTICES, notice) ? { notice: message(NOTICES[notice as Notice]) } : {});
  });
  /**
   * A callback that cannot finish because it already did (a reload: the code is used and the
   * cookie gone) or its sign-in is gone (cookie expired, another tab): back to the start, with a
   * notice. A 303 to /demo, so reloading again is harmless.
   */
  const restart = (ctx: Context, notice: Notice = 'restart') => {
    ctx.status = 303;
    ctx.redirect(`/demo?notice=${notice}`);
  };

  router.get('/demo/login', async (ctx) => {
    const { url, pending: started } = await beginSignIn(await deps.rp.configuration(), { redirectUri: `${deps.issuer}/demo/callback`, scope: DEMO_SCOPE });
    ctx.cookies.set(COOKIE, JSON.stringify(started), { signed: true, httpOnly: true, sameSite: 'lax', secure, maxAge: 10 * 60 * 1000, path: '/demo' });
    ctx.status = 303;
    ctx.redirect(url.href);
  });

  router.get('/demo/callback', async (ctx) => {
    const raw = ctx.cookies.get(COOKIE, { signed: true });
    ctx.cookies.set(COOKIE, null, { path: '/demo' });
    const saved = raw ? pending.safeParse(JSON.parse(raw)) : undefined;
    if (!saved?.success) return restart(ctx);
    try {
      const config = await deps.rp.configuration();
      const callbackUrl = new URL(`${deps.issuer}/demo/callback${ctx.search}`);
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: saved.data.verifier,
        expectedState: saved.data.state,
        expectedNonce: saved.data.nonce,
      });
      const claims = tokens.claims()!;
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      const signOut = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${deps.issuer}/demo` });
      home(ctx, 200, { signedIn: { claims, userinfo, idToken: tokens.id_token! }, signOutHref: signOut.href });
    } catch (error) {
      if (error instanceof AppError) throw error; // this server unreachable: its own page (503)
      // RFC 6749 §5.2: a used or expired code is invalid_grant; RFC 6749 §10.12: a state that
      // is not this browser's is refused. Either way this callback is stale.
      if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant') return restart(ctx);
      if (isStateMismatch(error)) return restart(ctx, 'elsewhere');
      const reason = error instanceof oidc.AuthorizationResponseError ? error.error_description ?? error.error : message('demo.sign_in_failed');
      deps.logger.info('demo sign-in failed', { requestId: requestIdOf(ctx), reason: error instanceof Error ? error.name : 'unknown' });
      home(ctx, 400, { error: reason });
    }
  });
  return router;
}

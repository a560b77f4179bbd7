/**
 * "Your sessions" on the account page (SECURITY.md A9): every live session of the account with
 * its device, address, sign-in time and last use; sign out any other one, or all others.
 * - A session is addressed by its handle (a digest of its uid), looked up among this account's
 *   own sessions, so a handle of someone else's session matches nothing.
 * - Ending a session destroys it, revokes the grants made in it with their tokens, and sends
 *   back-channel logout tokens (oidc/account-artefacts.ts): the next request with its cookie
 *   gets the sign-in page.
 * - Every POST checks CSRF first, answers 303, and writes one `session.revoked` event per
 *   session it ended.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import { requestMeta } from '../audit/audit.service.js';
import type { SessionSummary } from '../oidc/account-artefacts.js';
import type { SessionEnding } from '../accounts/session-ending.js';
import { accountSessionsView } from '../views/account-sessions.view.js';
import { ACCOUNT_CLIENT_ID } from './account-client.js';
import type { AccountSession } from './account-session.js';
import type { AccountPages } from './account-pages.js';
import { message } from '../messages/message.js';

export interface AccountSessionRoutesDeps {
  pages: AccountPages;
  ending: SessionEnding;
}

export function accountSessionRoutes(deps: AccountSessionRoutesDeps): Router {
  const router = new Router({ prefix: '/account/sessions' });
  const { pages } = deps;

  const end = (ctx: Context, session: AccountSession, ended: SessionSummary[]) =>
    deps.ending.end(session.accountId, ended, { reason: 'account_page', clientId: ACCOUNT_CLIENT_ID, meta: requestMeta(ctx) });

  router.get('/', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const sessions = await deps.ending.listSessions(session.accountId);
    sendPage(ctx, 200, accountSessionsView({
      nonce: nonceOf(ctx),
      csrfToken: pages.csrfToken(session),
      sessions: sessions.map((s) => ({
        handle: s.handle,
        current: s.id === session.sessionId,
        userAgent: s.info?.userAgent ?? null,
        ip: s.info?.lastIp ?? s.info?.ip ?? null,
        ...((s.info?.signedInAt ?? s.loginTs) !== undefined && { signedInAt: s.info?.signedInAt ?? s.loginTs }),
        ...(s.info && { lastSeenAt: s.info.lastSeenAt }),
      })),
      ...pages.takeFlash(ctx, session),
    }));
  });

  router.post('/revoke-others', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    pages.requireCsrf(ctx, session);
    const others = (await deps.ending.listSessions(session.accountId)).filter((s) => s.id !== session.sessionId);
    await end(ctx, session, others);
    pages.redirectWith(ctx, session, '/account/sessions', { kind: 'notice', message: message('account.sessions_others_ended', { count: others.length }) });
  });

  router.post('/:handle/revoke', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    pages.requireCsrf(ctx, session);
    const target = (await deps.ending.listSessions(session.accountId)).find((s) => s.handle === ctx.params.handle);
    if (!target) return pages.redirectWith(ctx, session, '/account/sessions', { kind: 'error', message: message('account.session_already_ended') });
    if (target.id === session.sessionId) return pages.redirectWith(ctx, session, '/account/sessions', { kind: 'error', message: message('account.session_is_current') });
    await end(ctx, session, [target]);
    pages.redirectWith(ctx, session, '/account/sessions', { kind: 'notice', message: message('account.session_ended') });
  });

  return router;
}

/**
 * "Connected apps" on the account page (SECURITY.md A17): every application the person allowed,
 * what it may access and since when, and "Remove access" for each.
 * - An app is addressed by its client id, looked up among this account's own consents, so an
 *   id the person never allowed matches nothing.
 * - Removing withdraws the consent and revokes every grant of the app for this account with its
 *   tokens (consents/connected-apps.service.ts): its refresh token is refused from then on, and
 *   the consent page is shown again the next time it asks.
 * - The POST checks CSRF first, answers 303, and writes one `consent.revoked` event.
 */
import Router from '@koa/router';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import { requestMeta } from '../audit/audit.service.js';
import type { ConnectedApps } from '../consents/connected-apps.service.js';
import { describeScopes } from '../interactions/scope-descriptions.js';
import { accountAppsView } from '../views/account-apps.view.js';
import type { AccountPages } from './account-pages.js';
import { message } from '../messages/message.js';

export interface AccountAppsRoutesDeps {
  pages: AccountPages;
  connectedApps: ConnectedApps;
}

export function accountAppsRoutes(deps: AccountAppsRoutesDeps): Router {
  const router = new Router({ prefix: '/account/apps' });
  const { pages } = deps;

  router.get('/', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const apps = await deps.connectedApps.list(session.accountId);
    sendPage(ctx, 200, accountAppsView({
      nonce: nonceOf(ctx),
      csrfToken: pages.csrfToken(session),
      apps: apps.map((app) => ({ clientId: app.clientId, name: app.clientName, scopes: describeScopes(app.scopes), since: app.since })),
      ...pages.takeFlash(ctx, session),
    }));
  });

  router.post('/:clientId/remove', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    pages.requireCsrf(ctx, session);
    const app = (await deps.connectedApps.list(session.accountId)).find((a) => a.clientId === ctx.params.clientId);
    if (!app) return pages.redirectWith(ctx, session, '/account/apps', { kind: 'error', message: message('account.app_not_connected') });
    await deps.connectedApps.remove(session.accountId, app.clientId, 'account_page', requestMeta(ctx));
    pages.redirectWith(ctx, session, '/account/apps', { kind: 'notice', message: message('account.app_removed', { app: app.clientName }) });
  });

  return router;
}

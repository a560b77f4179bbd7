/**
 * Pages the provider renders itself (error, logout confirmation, logout done), drawn with our
 * views so every page shares one layout and one CSP. Errors never redirect here: an invalid
 * client_id / redirect_uri pair is shown, not followed (SECURITY.md R2).
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import { raw, renderDocument } from '../http/html.js';
import { errorView } from '../views/error.view.js';
import { logoutView } from '../views/logout.view.js';
import { logoutSuccessView } from '../views/logout-success.view.js';
import { nonceOf, requestIdOf } from '../http/request-state.js';
import { message, type PlainMessageId } from '../messages/message.js';

type Ctx = KoaContextWithOIDC & { state: { nonce?: string; requestId?: string } };

/** The page title of each OAuth error we name; any other gets `page.oauth.other`. */
const ERROR_TITLES: Record<string, PlainMessageId> = {
  invalid_request: 'page.oauth.invalid_request',
  invalid_client: 'page.oauth.invalid_client',
  invalid_redirect_uri: 'page.oauth.invalid_redirect_uri',
  unauthorized_client: 'page.oauth.unauthorized_client',
  unsupported_response_type: 'page.oauth.unsupported_response_type',
  invalid_scope: 'page.oauth.invalid_scope',
  access_denied: 'page.oauth.access_denied',
  login_required: 'page.oauth.login_required',
  server_error: 'page.failed',
};

export function renderError(ctx: Ctx, out: { error: string; error_description?: string }): void {
  ctx.type = 'html';
  ctx.body = renderDocument(
    errorView({
      nonce: nonceOf(ctx),
      title: message(Object.hasOwn(ERROR_TITLES, out.error) ? ERROR_TITLES[out.error]! : 'page.oauth.other'),
      message: out.error === 'server_error' ? message('page.oauth.try_later') : (out.error_description ?? out.error),
      requestId: requestIdOf(ctx),
    }),
  );
}

export function logoutSource(ctx: Ctx, form: string): void {
  ctx.type = 'html';
  const clientName = ctx.oidc.client?.clientName;
  ctx.body = renderDocument(logoutView({ nonce: nonceOf(ctx), form: raw(form), ...(clientName && { clientName }) }));
}

export function postLogoutSuccessSource(ctx: Ctx): void {
  ctx.type = 'html';
  const clientName = ctx.oidc.client?.clientName;
  ctx.body = renderDocument(logoutSuccessView({ nonce: nonceOf(ctx), ...(clientName && { clientName }) }));
}

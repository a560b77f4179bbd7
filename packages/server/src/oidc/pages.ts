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

type Ctx = KoaContextWithOIDC & { state: { nonce?: string; requestId?: string } };

const ERROR_TITLES: Record<string, string> = {
  invalid_request: 'The request is not valid',
  invalid_client: 'Unknown application',
  invalid_redirect_uri: 'The application sent an unregistered address',
  unauthorized_client: 'The application is not allowed to do this',
  unsupported_response_type: 'Unsupported request',
  invalid_scope: 'The application asked for something unknown',
  access_denied: 'Access denied',
  login_required: 'Sign-in required',
  server_error: 'Something went wrong',
};

export function renderError(ctx: Ctx, out: { error: string; error_description?: string }): void {
  ctx.type = 'html';
  ctx.body = renderDocument(
    errorView({
      nonce: nonceOf(ctx),
      title: ERROR_TITLES[out.error] ?? 'The request could not be completed',
      message: out.error === 'server_error' ? 'Please try again later.' : (out.error_description ?? out.error),
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

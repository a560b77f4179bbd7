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

/** The page title and plain explanation of each OAuth error we name; any other gets `…other`. */
const ERRORS: Record<string, { title: PlainMessageId; what: PlainMessageId }> = {
  invalid_request: { title: 'page.oauth.invalid_request', what: 'page.oauth.what.invalid_request' },
  invalid_client: { title: 'page.oauth.invalid_client', what: 'page.oauth.what.invalid_client' },
  invalid_redirect_uri: { title: 'page.oauth.invalid_redirect_uri', what: 'page.oauth.what.invalid_redirect_uri' },
  unauthorized_client: { title: 'page.oauth.unauthorized_client', what: 'page.oauth.what.unauthorized_client' },
  unsupported_response_type: { title: 'page.oauth.unsupported_response_type', what: 'page.oauth.what.unsupported_response_type' },
  invalid_scope: { title: 'page.oauth.invalid_scope', what: 'page.oauth.what.invalid_scope' },
  access_denied: { title: 'page.oauth.access_denied', what: 'page.oauth.what.access_denied' },
  login_required: { title: 'page.oauth.login_required', what: 'page.oauth.what.login_required' },
  server_error: { title: 'page.failed', what: 'error.internal' },
};
const OTHER = { title: 'page.oauth.other', what: 'page.oauth.what.other' } as const;

/**
 * The provider's error page: what happened in plain words, what to do (start again from the
 * application; never a link to it, R2; a link to the account page), and the protocol's own code and description in small
 * print for the application's support.
 */
export function renderError(ctx: Ctx, out: { error: string; error_description?: string }): void {
  ctx.type = 'html';
  const known = Object.hasOwn(ERRORS, out.error) ? ERRORS[out.error]! : OTHER;
  const failed = out.error === 'server_error';
  ctx.body = renderDocument(
    errorView({
      nonce: nonceOf(ctx),
      title: message(known.title),
      message: message(known.what),
      next: message(failed ? 'page.oauth.try_later' : 'page.next.application'),
      // Never a link to the application (its redirect_uri may be the very thing that is wrong).
      link: { href: '/account', label: message('page.next.account') },
      code: out.error,
      ...(out.error_description && !failed && { detail: out.error_description }),
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

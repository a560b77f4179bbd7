/**
 * OIDC Core §11: `offline_access` is only honoured together with `prompt=consent`, and the
 * provider silently drops it otherwise. Portcullis treats asking for `offline_access` as asking
 * for consent, so a client that wants a refresh token gets one without knowing that rule. Applies
 * to GET /auth, which a POSTed authorization request becomes first (http/authorization-post.ts).
 * - A `prompt=consent` added here is an implied one: the consent step passes straight through for
 *   first-party clients and remembered consents, so no one sees an extra page.
 * - A `prompt=consent` the client sent itself always shows the consent page (OIDC Core §3.1.2.1;
 *   SECURITY.md A17).
 * - The two are told apart by IMPLIED_CONSENT_PARAM, a parameter the provider keeps with the
 *   authorization request (`extraParams`) and so with every interaction of it, login and resume
 *   included. Only this middleware can set it: the rewrite marks the HTTP request itself, and the
 *   parameter's validator overwrites whatever a client sent (a query, a POST body, a pushed
 *   request) with that mark. A client can therefore never turn its own explicit prompt into an
 *   implied one.
 */
import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';

export const IMPLIED_CONSENT_PARAM = 'portcullis_implied_consent';

/** Set on the Node request whose query this middleware rewrote (the provider sees the same one). */
const IMPLIED = Symbol('portcullis.impliedConsent');
type MarkedRequest = IncomingMessage & { [IMPLIED]?: true };

export function offlineAccessImpliesConsent(authorizationPath: string): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === authorizationPath) {
      const query = { ...ctx.query };
      const scope = typeof query.scope === 'string' ? query.scope.split(' ') : [];
      const prompt = typeof query.prompt === 'string' ? query.prompt.split(' ').filter(Boolean) : [];
      if (scope.includes('offline_access') && !prompt.includes('consent') && !prompt.includes('none') && !Array.isArray(ctx.query.prompt)) {
        query.prompt = [...prompt, 'consent'].join(' ');
        ctx.query = query;
        (ctx.req as MarkedRequest)[IMPLIED] = true;
      }
    }
    await next();
  };
}

/**
 * The provider's `extraParams` entry: runs on every authorization and pushed authorization
 * request (not on resume, where the parameters come back from the stored interaction).
 */
export const impliedConsentParam = {
  [IMPLIED_CONSENT_PARAM](ctx: KoaContextWithOIDC): void {
    ctx.oidc.params![IMPLIED_CONSENT_PARAM] = (ctx.req as MarkedRequest)[IMPLIED] ? 'true' : undefined;
  },
};

/** Whether the request's `prompt=consent` was sent by the client itself (not added above). */
export function consentPromptExplicit(params: Record<string, unknown>): boolean {
  const prompts = typeof params.prompt === 'string' ? params.prompt.split(' ') : [];
  return prompts.includes('consent') && params[IMPLIED_CONSENT_PARAM] !== 'true';
}

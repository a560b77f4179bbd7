/**
 * OIDC Core §11: `offline_access` is only honoured together with `prompt=consent`, and the
 * provider silently drops it otherwise. Portcullis treats asking for `offline_access` as asking
 * for consent, so a client that wants a refresh token gets one without knowing that rule. The
 * consent step itself passes straight through for first-party clients and for remembered
 * consents, so no one sees an extra page. Applies to GET /auth, which a POSTed
 * authorization request becomes first (http/authorization-post.ts).
 */
import type { Middleware } from 'koa';

export function offlineAccessImpliesConsent(authorizationPath: string): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === authorizationPath) {
      const query = { ...ctx.query };
      const scope = typeof query.scope === 'string' ? query.scope.split(' ') : [];
      const prompt = typeof query.prompt === 'string' ? query.prompt.split(' ').filter(Boolean) : [];
      if (scope.includes('offline_access') && !prompt.includes('consent') && !prompt.includes('none') && !Array.isArray(ctx.query.prompt)) {
        query.prompt = [...prompt, 'consent'].join(' ');
        ctx.query = query;
      }
    }
    await next();
  };
}

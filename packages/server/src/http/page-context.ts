/**
 * Opens the per-request scopes our pages read: the language (messages/locale-scope.ts) and the
 * branding (branding/branding-scope.ts), and lets the branding logo's origin into img-src.
 * - Language: `ui_locales` of this request (the authorization request, or any page with it),
 *   else Accept-Language, else English (messages/locales.ts). The interaction pages narrow it to
 *   the interaction's own `ui_locales` once they have loaded it.
 * - Runs after the security headers (it edits their CSP) and before every page.
 * - Branding only where something shows it (pages and discovery): `needsBranding` is false for
 *   the machine endpoints (token, JWKS, userinfo, introspection, revocation), which are the
 *   busiest and must not wait on a settings read, or fail with one.
 */
import type { Middleware } from 'koa';
import type { BrandingService } from '../branding/branding.service.js';
import { runWithBranding } from '../branding/branding-scope.js';
import { pickLocale } from '../messages/locales.js';
import { runWithLocale } from '../messages/locale-scope.js';
import { allowImageOrigin } from './security-headers.js';

export function pageContext(deps: { branding: Pick<BrandingService, 'current'>; needsBranding?: (path: string) => boolean }): Middleware {
  return async (ctx, next) => {
    const locale = pickLocale({ uiLocales: ctx.query.ui_locales, acceptLanguage: ctx.get('Accept-Language') });
    if (deps.needsBranding && !deps.needsBranding(ctx.path)) {
      await runWithLocale(locale, next);
      return;
    }
    const branding = await deps.branding.current();
    allowImageOrigin(ctx, branding.logoUrl);
    await runWithBranding(branding, () => runWithLocale(locale, next));
  };
}

/** The provider's machine endpoints (oidc-provider's default routes): no page, no discovery. */
const MACHINE_PATHS = ['/token', '/jwks', '/me', '/device/auth'];

/** Case-insensitive, as the provider's router matches its routes. */
export const isMachinePath = (path: string): boolean => {
  const lower = path.toLowerCase();
  return MACHINE_PATHS.some((machine) => lower === machine || lower.startsWith(`${machine}/`));
};

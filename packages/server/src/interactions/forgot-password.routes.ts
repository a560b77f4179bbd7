/**
 * "Forgot password?" inside a sign-in interaction, so the way back to the application is kept:
 * - GET `/interaction/:uid/forgot`: the email form (only while the interaction asks for a login).
 * - POST: CSRF first, zod, then the reset service (recovery/password-reset.service.ts), which
 *   takes the limits and answers the same for every address (SECURITY.md A2). The page says
 *   "check your email" for any well-formed address; a refused request is a 429 with Retry-After.
 *   The link remembers this interaction, so after the reset "Sign in" comes back here.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import { limitedMessage } from '../http/limited-message.js';
import { emailSchema, normalizeEmail } from '../accounts/email.js';
import { requestMeta } from '../audit/audit.service.js';
import { currentLocale } from '../messages/locale-scope.js';
import { message } from '../messages/message.js';
import type { PasswordResetService } from '../recovery/password-reset.service.js';
import { LINK_LIFETIME_SECONDS } from '../recovery/account-links.service.js';
import { forgotPasswordView } from '../views/forgot-password.view.js';
import type { Csrf } from './csrf.js';
import { csrfField } from './forms.js';
import { loadInteraction } from './interaction.context.js';
import { interactionPaths as paths } from './paths.js';

const forgotForm = z.object({ csrf: csrfField, email: z.string().max(320, { error: () => message('form.email_too_long') }) });

export interface ForgotPasswordDeps {
  getProvider(): Provider;
  csrf: Csrf;
  passwordReset: PasswordResetService;
}

export function forgotPasswordRoutes(deps: ForgotPasswordDeps): Router {
  const router = new Router({ prefix: paths(':uid').start });

  const load = async (ctx: Context) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    if (details.prompt.name !== 'login') throw new AppError('interaction.expired');
    return details;
  };
  const render = (ctx: Context, status: number, uid: string, extra: { email?: string; error?: string; sent?: { email: string; minutes: number } }) =>
    sendPage(ctx, status, forgotPasswordView({ nonce: nonceOf(ctx), csrfToken: deps.csrf.tokenFor(uid), action: paths(uid).forgot, loginHref: paths(uid).start, ...extra }));

  router.get('/forgot', async (ctx) => {
    const details = await load(ctx);
    render(ctx, 200, details.uid, {});
  });

  router.post('/forgot', formBody(), async (ctx) => {
    const details = await load(ctx);
    if (!deps.csrf.verify(details.uid, (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) throw new AppError('request.csrf');
    const form = forgotForm.safeParse(ctx.request.body);
    if (!form.success) return render(ctx, 400, details.uid, { error: form.error.issues[0]!.message });
    const email = emailSchema.safeParse(form.data.email);
    if (!email.success) return render(ctx, 400, details.uid, { email: normalizeEmail(form.data.email), error: email.error.issues[0]!.message });
    const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : null;
    const limited = await deps.passwordReset.request({ email: email.data, locale: currentLocale(), ip: ctx.ip, meta: requestMeta(ctx), clientId, continuePath: paths(details.uid).start });
    if (limited) {
      ctx.set('Retry-After', String(limited.retryAfterSeconds));
      return render(ctx, 429, details.uid, { email: email.data, error: limitedMessage(limited.retryAfterSeconds) });
    }
    render(ctx, 200, details.uid, { sent: { email: email.data, minutes: LINK_LIFETIME_SECONDS.reset / 60 } });
  });

  return router;
}

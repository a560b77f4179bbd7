/**
 * The pages a mailed link opens, outside any interaction (the link may be opened on another
 * device): `/recover/reset/:token`, `/recover/invite/:token`, `/recover/email/:token`.
 * - A GET only shows: the form for a usable link, "this link cannot be used" otherwise (one page
 *   for expired, used, replaced, tampered and unknown). Mail scanners that open links change
 *   nothing.
 * - Each POST checks a CSRF token bound to the link (SECURITY.md A12), then zod, then calls one
 *   service. The new password is typed twice; a mismatch or a policy refusal shows the form
 *   again and leaves the link usable.
 * - After a reset the person is not signed in: "Sign in" goes back to the interaction the
 *   request came from (when it is still alive), else to the account page, which starts one.
 * - The token in the path never reaches the app's logs: request lines and metrics carry the
 *   route template (observability/request-observer.middleware.ts), and pages send no Referer.
 *   A proxy in front logs the path unless told not to: the Nginx log format redacts it
 *   (deploy/nginx/portcullis-http.conf `$portcullis_log_uri`); another ingress must too.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import { requestMeta } from '../audit/audit.service.js';
import { currentLocale } from '../messages/locale-scope.js';
import { message } from '../messages/message.js';
import type { Csrf } from '../interactions/csrf.js';
import { csrfField, csrfOnlyForm } from '../interactions/forms.js';
import { INTERACTION_PREFIX } from '../interactions/paths.js';
import { resetPasswordView } from '../views/reset-password.view.js';
import { emailConfirmView } from '../views/email-change.view.js';
import type { PasswordResetService } from './password-reset.service.js';
import type { EmailChangeService } from './email-change.service.js';
import { RECOVERY_PREFIX, recoveryPaths } from './recovery-paths.js';

const passwordForm = z.object({ csrf: csrfField, new_password: z.string().max(1024), confirm_password: z.string().max(1024) });
const tokenParam = z.string().max(64);

export interface RecoveryRoutesDeps {
  csrf: Csrf;
  passwordReset: PasswordResetService;
  emailChange: EmailChangeService;
  passwordMinLength: number;
}

export function recoveryRoutes(deps: RecoveryRoutesDeps): Router {
  const router = new Router({ prefix: RECOVERY_PREFIX });
  const tokenOf = (ctx: Context) => {
    const token = tokenParam.safeParse((ctx.params as Record<string, unknown>).token);
    if (!token.success) throw new AppError('request.not_found');
    return token.data;
  };
  const scope = (token: string) => `recover:${token}`;
  const requireCsrf = (ctx: Context, token: string) => {
    if (!deps.csrf.verify(scope(token), (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) throw new AppError('request.csrf');
  };
  /** Only a path of ours back into an interaction; anything else falls back to the account page. */
  const signInHref = (continuePath: string | null) => (continuePath?.startsWith(`${INTERACTION_PREFIX}/`) ? continuePath : '/account');

  for (const purpose of ['reset', 'invite'] as const) {
    const page = async (ctx: Context, status: number, token: string, error?: string) => {
      const link = await deps.passwordReset.check(token, purpose);
      if (!link) return sendPage(ctx, 400, resetPasswordView({ nonce: nonceOf(ctx), purpose, outcome: { kind: 'unusable', signInHref: '/account' } }));
      sendPage(ctx, status, resetPasswordView({
        nonce: nonceOf(ctx),
        purpose,
        form: { csrfToken: deps.csrf.tokenFor(scope(token)), action: recoveryPaths.password(purpose, token), email: link.email, passwordMinLength: deps.passwordMinLength, ...(error && { error }) },
      }));
    };

    router.get(`/${purpose}/:token`, async (ctx) => page(ctx, 200, tokenOf(ctx)));

    router.post(`/${purpose}/:token`, formBody(), async (ctx) => {
      const token = tokenOf(ctx);
      requireCsrf(ctx, token);
      const form = passwordForm.safeParse(ctx.request.body);
      if (!form.success) throw new AppError('request.invalid');
      if (form.data.new_password !== form.data.confirm_password) return page(ctx, 400, token, message('password.mismatch'));
      try {
        const { continuePath } = await deps.passwordReset.reset({ token, purpose, password: form.data.new_password, locale: currentLocale(), meta: requestMeta(ctx) });
        sendPage(ctx, 200, resetPasswordView({ nonce: nonceOf(ctx), purpose, outcome: { kind: 'done', signInHref: signInHref(continuePath) } }));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'recovery.link_invalid') return sendPage(ctx, 400, resetPasswordView({ nonce: nonceOf(ctx), purpose, outcome: { kind: 'unusable', signInHref: '/account' } }));
        if (!error.code.startsWith('password.')) throw error;
        return page(ctx, 400, token, error.publicMessage);
      }
    });
  }

  router.get('/email/:token', async (ctx) => {
    const token = tokenOf(ctx);
    const link = await deps.emailChange.check(token);
    if (!link) return sendPage(ctx, 400, emailConfirmView({ nonce: nonceOf(ctx) }));
    sendPage(ctx, 200, emailConfirmView({ nonce: nonceOf(ctx), form: { csrfToken: deps.csrf.tokenFor(scope(token)), action: recoveryPaths.email(token), newEmail: link.newEmail } }));
  });

  router.post('/email/:token', formBody(), async (ctx) => {
    const token = tokenOf(ctx);
    requireCsrf(ctx, token);
    if (!csrfOnlyForm.safeParse(ctx.request.body).success) throw new AppError('request.invalid');
    try {
      const { newEmail } = await deps.emailChange.confirm(token, requestMeta(ctx));
      sendPage(ctx, 200, emailConfirmView({ nonce: nonceOf(ctx), outcome: { kind: 'done', newEmail } }));
    } catch (error) {
      if (!(error instanceof AppError) || !error.code.startsWith('recovery.')) throw error;
      sendPage(ctx, error.status, emailConfirmView({ nonce: nonceOf(ctx), outcome: { kind: 'error', message: error.publicMessage } }));
    }
  });

  return router;
}

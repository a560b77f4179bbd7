/**
 * The routes of the "check your email" step, on the interaction router (email-step.handlers.ts):
 * - POST /verify-email/code and /verify-email/resend: CSRF first, then the step's state;
 * - GET /verify-email?token=…: the message's link, a page with a confirming button;
 * - POST /verify-email: that button. The interaction is loaded when this browser holds it (the
 *   same browser continues its sign-in); in another browser it is absent and the address is
 *   confirmed on its own.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import { formBody } from '../http/form-body.js';
import type { Csrf } from './csrf.js';
import type { EmailStepDeps, EmailStepHandlers } from './email-step.handlers.js';
import { emailStepOf } from './email-step.state.js';
import { csrfField, totpForm } from './forms.js';
import { loadInteraction } from './interaction.context.js';

const tokenValue = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/);
const linkForm = z.object({ csrf: csrfField, token: tokenValue });

export function emailStepRoutes(router: Router, deps: EmailStepDeps & { csrf: Csrf }, handlers: EmailStepHandlers): void {
  const requireCsrf = (ctx: Context, uid: string) => {
    if (!deps.csrf.verify(uid, (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) throw new AppError('request.csrf');
  };
  const uidOf = (ctx: Context) => (ctx.params as Record<string, string>).uid!;

  router.post('/verify-email/code', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const state = emailStepOf(details);
    const form = totpForm.safeParse(ctx.request.body);
    if (!state || !form.success) throw new AppError(state ? 'request.invalid' : 'interaction.expired');
    await handlers.verifyCode(ctx, details, state, form.data.code);
  });

  router.post('/verify-email/resend', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const state = emailStepOf(details);
    if (!state) throw new AppError('interaction.expired');
    await handlers.resend(ctx, details, state);
  });

  router.get('/verify-email', (ctx) => {
    const token = tokenValue.safeParse(ctx.query.token);
    if (!token.success) throw new AppError('request.invalid');
    handlers.showLink(ctx, uidOf(ctx), token.data);
  });

  router.post('/verify-email', formBody(), async (ctx) => {
    const uid = uidOf(ctx);
    requireCsrf(ctx, uid);
    const form = linkForm.safeParse(ctx.request.body);
    if (!form.success) throw new AppError('request.invalid');
    // This browser's interaction, if it holds it; another browser (or an ended sign-in) has none.
    const details = await loadInteraction(ctx, deps.getProvider()).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'interaction.expired') return undefined;
      throw error;
    });
    await handlers.useLink(ctx, uid, form.data.token, details, details && emailStepOf(details));
  });
}

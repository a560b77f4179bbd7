/**
 * "Email address" on the account page (recovery/email-change.service.ts): the new address and the
 * current password, behind the account session and its step-up rule like every setting.
 * - POST checks CSRF first; a malformed form is a 400; an unusable address shows the form again.
 * - The answer is the same whether the new address is free or taken (SECURITY.md A2): "we sent a
 *   link to the new address", back on the account page. The address changes when that link is
 *   followed (recovery.routes.ts).
 * - A wrong password is a flash error; a refusal by the limits a 429 with Retry-After.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import { AppError } from '../http/app-error.js';
import { csrfField } from '../interactions/forms.js';
import { limitedMessage, newDeviceLimitedMessage } from '../http/limited-message.js';
import { message } from '../messages/message.js';
import { currentLocale } from '../messages/locale-scope.js';
import { emailSchema } from '../accounts/email.js';
import { requestMeta } from '../audit/audit.service.js';
import type { DeviceCookies } from '../interactions/device-cookie.js';
import type { EmailChangeService } from '../recovery/email-change.service.js';
import { LINK_LIFETIME_SECONDS } from '../recovery/account-links.service.js';
import { emailChangeView } from '../views/email-change.view.js';
import { ACCOUNT_CLIENT_ID } from './account-client.js';
import type { AccountSession } from './account-session.js';
import { failureMessage, type AccountPages } from './account-pages.js';

const emailForm = z.object({ csrf: csrfField, new_email: z.string().max(320), current_password: z.string().max(1024) });

export function accountEmailRoutes(deps: { pages: AccountPages; devices: DeviceCookies; emailChange: EmailChangeService }): Router {
  const router = new Router({ prefix: '/account' });
  const { pages } = deps;
  const page = (ctx: Context, session: AccountSession, status: number, extra: { newEmail?: string; error?: string }) =>
    sendPage(ctx, status, emailChangeView({ nonce: nonceOf(ctx), csrfToken: pages.csrfToken(session), email: session.email, ...extra }));

  router.get('/email', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    page(ctx, session, 200, { ...pages.takeFlash(ctx, session) });
  });

  router.post('/email', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    pages.requireCsrf(ctx, session);
    if (!pages.requireVerifiedEmail(ctx, session, '/account/email')) return;
    const form = emailForm.safeParse(ctx.request.body);
    if (!form.success) throw new AppError('request.invalid');
    const newEmail = emailSchema.safeParse(form.data.new_email);
    if (!newEmail.success) return page(ctx, session, 400, { newEmail: form.data.new_email, error: newEmail.error.issues[0]!.message });
    const device = deps.devices.read(ctx, session.email, 'password');
    const at = { ip: ctx.ip, meta: requestMeta(ctx), clientId: ACCOUNT_CLIENT_ID, ...(device && { device }) };
    try {
      const result = await deps.emailChange.request({ accountId: session.accountId, email: session.email, current: form.data.current_password, newEmail: newEmail.data, locale: currentLocale(), at });
      if (result.limited) {
        ctx.set('Retry-After', String(result.retryAfterSeconds));
        const error = result.scope === 'account' ? newDeviceLimitedMessage(result.retryAfterSeconds) : limitedMessage(result.retryAfterSeconds);
        return page(ctx, session, 429, { newEmail: newEmail.data, error });
      }
      pages.redirectWith(ctx, session, '/account', { kind: 'notice', message: message('account.email_link_sent', { email: newEmail.data, minutes: LINK_LIFETIME_SECONDS['email-change'] / 60 }) });
    } catch (error) {
      pages.redirectWith(ctx, session, '/account/email', { kind: 'error', message: failureMessage(error, ['account.invalid_password']) });
    }
  });

  return router;
}

/**
 * The sign-in journey inside a provider interaction: login, registration, consent.
 * - Every POST checks the CSRF token first, then parses its form with zod.
 * - Success hands the result to the provider, which answers 303 to continue the flow (R11).
 * - Failures re-render the same page with a role="alert" message; nothing is half-written.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Account } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { emailSchema, normalizeEmail } from '../accounts/email.js';
import type { AccountService } from '../accounts/account.service.js';
import { loginView } from '../views/login.view.js';
import { registerView } from '../views/register.view.js';
import type { Csrf } from './csrf.js';
import { loadInteraction } from './interaction.context.js';
import { loginForm, registerForm } from './forms.js';
import { createConsentHandlers, type ConsentDeps } from './consent.handlers.js';
import { nonceOf } from '../http/request-state.js';

export interface InteractionDeps extends ConsentDeps {
  getProvider(): Provider;
  accountService: AccountService;
  csrf: Csrf;
  passwordMinLength: number;
}

export function interactionRoutes(deps: InteractionDeps): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  const consent = createConsentHandlers(deps);
  const paths = (uid: string) => ({ login: `/interaction/${uid}/login`, register: `/interaction/${uid}/register`, start: `/interaction/${uid}` });

  const renderLogin = (ctx: Context, status: number, uid: string, extra: { email?: string; error?: string; clientName?: string }) =>
    sendPage(ctx, status, loginView({
      nonce: nonceOf(ctx),
      csrfToken: deps.csrf.tokenFor(uid),
      action: paths(uid).login,
      registerHref: paths(uid).register,
      ...extra,
    }));

  const renderRegister = (ctx: Context, status: number, uid: string, extra: { email?: string; name?: string; error?: string }) =>
    sendPage(ctx, status, registerView({
      nonce: nonceOf(ctx),
      csrfToken: deps.csrf.tokenFor(uid),
      action: paths(uid).register,
      loginHref: paths(uid).start,
      passwordMinLength: deps.passwordMinLength,
      ...extra,
    }));

  const clientNameOf = async (clientId: unknown) => {
    const client = typeof clientId === 'string' ? await deps.getProvider().Client.find(clientId) : undefined;
    return client?.clientName;
  };

  const finishLogin = async (ctx: Context, account: Account) => {
    await deps.getProvider().interactionFinished(ctx.req, ctx.res, { login: { accountId: account.id, amr: ['pwd'], remember: false } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  };

  const requireCsrf = (ctx: Context, uid: string) => {
    if (!deps.csrf.verify(uid, (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) throw new AppError('request.csrf');
  };

  router.get('/', async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    if (details.prompt.name === 'login') {
      const clientName = await clientNameOf(details.params.client_id);
      return renderLogin(ctx, 200, details.uid, { ...(clientName && { clientName }) });
    }
    if (details.prompt.name === 'consent') return consent.show(ctx, details);
    throw new AppError('interaction.expired');
  });

  router.post('/login', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const form = loginForm.safeParse(ctx.request.body);
    const email = form.success ? normalizeEmail(form.data.email) : '';
    if (!form.success) return renderLogin(ctx, 400, details.uid, { email, error: form.error.issues[0]!.message });
    try {
      const account = await deps.accountService.authenticate(email, form.data.password);
      await finishLogin(ctx, account);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'interaction.invalid_credentials') throw error;
      renderLogin(ctx, error.status, details.uid, { email, error: error.publicMessage });
    }
  });

  router.get('/register', async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    if (details.prompt.name !== 'login') throw new AppError('interaction.expired');
    renderRegister(ctx, 200, details.uid, {});
  });

  router.post('/register', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    if (details.prompt.name !== 'login') throw new AppError('interaction.expired');
    requireCsrf(ctx, details.uid);
    const form = registerForm.safeParse(ctx.request.body);
    if (!form.success) return renderRegister(ctx, 400, details.uid, { error: form.error.issues[0]!.message });
    const email = emailSchema.safeParse(form.data.email);
    const shown = { email: normalizeEmail(form.data.email), ...(form.data.name && { name: form.data.name }) };
    if (!email.success) return renderRegister(ctx, 400, details.uid, { ...shown, error: email.error.issues[0]!.message });
    try {
      const account = await deps.accountService.register({ email: email.data, password: form.data.password, name: form.data.name });
      await finishLogin(ctx, account);
    } catch (error) {
      if (!(error instanceof AppError) || !error.code.startsWith('registration.')) throw error;
      renderRegister(ctx, error.status, details.uid, { ...shown, error: error.publicMessage });
    }
  });

  router.post('/consent', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    await consent.allow(ctx, details);
  });

  router.post('/deny', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    await deps.getProvider().interactionFinished(ctx.req, ctx.res, { error: 'access_denied', error_description: 'The user denied the request.' }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  });

  return router;
}

/**
 * The sign-in journey inside a provider interaction: login, registration, the second factor
 * (second-factor.handlers.ts), consent.
 * - Every POST checks the CSRF token first, then parses its form with zod.
 * - Success hands the result to the provider, which answers 303 to continue the flow (R11).
 * - Failures re-render the same page with a role="alert" message; nothing is half-written.
 * - Each password or registration submission writes one audit event; a password failure that
 *   exhausts a brute-force limit writes one `lockout` event as well (through the guarded check).
 * - Password guesses and registrations are counted before any work (limits/): a refused one is
 *   a 429 with Retry-After, the same page, and a role="alert" message; no argon2 runs.
 * - A correct password (or a registration) marks the browser with a device cookie; its later
 *   password attempts for that account skip the per-account lockout (device-cookie.ts, A14),
 *   and a device refused by that lockout is told so, and what to do.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Registration } from '@portcullis/config';
import { AppError } from '../http/app-error.js';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { emailSchema, normalizeEmail } from '../accounts/email.js';
import type { SignInService } from '../accounts/sign-in.service.js';
import { demandsMfa } from '../oidc/acr.js';
import { loginView } from '../views/login.view.js';
import { registerView } from '../views/register.view.js';
import type { Csrf } from './csrf.js';
import { loadInteraction } from './interaction.context.js';
import { csrfOnlyForm, loginForm, passkeyForm, prefillEmail, recoveryCodeForm, registerForm, totpForm } from './forms.js';
import { createPasskeyHandlers, type PasskeyHandlerDeps } from './passkey.handlers.js';
import { PASSKEY } from '../mfa/factors/passkey.factor.js';
import { createConsentHandlers, type ConsentDeps } from './consent.handlers.js';
import { nonceOf } from '../http/request-state.js';
import { createSecondFactorHandlers, type SecondFactorDeps } from './second-factor.handlers.js';
import { secondFactorOf } from './second-factor.state.js';
import { requestMeta } from '../audit/audit.service.js';
import type { Limited } from '../limits/attempt-guard.js';
import { limitedMessage, newDeviceLimitedMessage } from '../http/limited-message.js';
import { message } from '../messages/message.js';
import { interactionPaths as paths } from './paths.js';
import { createEmailStepHandlers, type EmailStepDeps } from './email-step.handlers.js';
import { emailStepOf } from './email-step.state.js';
import { emailStepRoutes } from './email-step.routes.js';

export interface InteractionDeps extends ConsentDeps, SecondFactorDeps, PasskeyHandlerDeps, EmailStepDeps {
  getProvider(): Provider;
  /** The password and registration step, with its limits and audit events (accounts/sign-in.service.ts). */
  signIn: SignInService;
  csrf: Csrf;
  passwordMinLength: number;
  /** REGISTRATION: only `open` has a registration page; otherwise GET and POST are a 403 page. */
  registration: Registration;
}

export function interactionRoutes(deps: InteractionDeps): Router {
  const router = new Router({ prefix: paths(':uid').start });
  const consent = createConsentHandlers(deps);
  const secondFactor = createSecondFactorHandlers(deps);
  const passkey = createPasskeyHandlers(deps);
  const emailStep = createEmailStepHandlers(deps, (ctx, details, account, step) => secondFactor.afterPassword(ctx, details, account, step));
  const clientIdOf = (details: { params: Record<string, unknown> }) => (typeof details.params.client_id === 'string' ? details.params.client_id : null);

  /** The sign-in page, first or again after an error: always "to continue to" the application. */
  const renderLogin = async (ctx: Context, status: number, details: { uid: string; params: Record<string, unknown> }, extra: { email?: string; error?: string }) => {
    const clientName = await clientNameOf(details.params.client_id);
    const register = paths(details.uid).register;
    sendPage(ctx, status, loginView({
      nonce: nonceOf(ctx),
      csrfToken: deps.csrf.tokenFor(details.uid),
      action: paths(details.uid).login,
      passkey: { optionsUrl: paths(details.uid).passkeyOptions, action: paths(details.uid).passkey },
      // The email typed so far goes along to registration (the page script does the same live).
      // Only when anyone may register (REGISTRATION=open): otherwise the page offers no way to.
      ...(deps.registration === 'open' && { registerHref: extra.email ? `${register}?${new URLSearchParams({ email: extra.email })}` : register }),
      forgotHref: paths(details.uid).forgot,
      ...(clientName && { clientName }),
      ...extra,
    }));
  };

  const renderRegister = (ctx: Context, status: number, uid: string, extra: { email?: string; name?: string; error?: string }) =>
    sendPage(ctx, status, registerView({
      nonce: nonceOf(ctx),
      csrfToken: deps.csrf.tokenFor(uid),
      action: paths(uid).register,
      loginHref: paths(uid).start,
      passwordMinLength: deps.passwordMinLength,
      ...extra,
    }));

  const limitedAnswer = (ctx: Context, limited: Pick<Limited, 'retryAfterSeconds'>) => ctx.set('Retry-After', String(limited.retryAfterSeconds));

  const clientNameOf = async (clientId: unknown) => {
    const client = typeof clientId === 'string' ? await deps.getProvider().Client.find(clientId) : undefined;
    return client?.clientName;
  };

  const requireCsrf = (ctx: Context, uid: string) => {
    if (!deps.csrf.verify(uid, (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) throw new AppError('request.csrf');
  };

  router.get('/', async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    if (details.prompt.name === 'login') {
      const email = emailStepOf(details);
      if (email) return emailStep.show(ctx, details, email);
      const state = secondFactorOf(details);
      if (state) return secondFactor.show(ctx, details, state, 'totp');
      return renderLogin(ctx, 200, details, {});
    }
    if (details.prompt.name === 'consent') return consent.show(ctx, details);
    throw new AppError('interaction.expired');
  });

  router.post('/login', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const form = loginForm.safeParse(ctx.request.body);
    const email = form.success ? normalizeEmail(form.data.email) : '';
    if (!form.success) return renderLogin(ctx, 400, details, { email, error: form.error.issues[0]!.message });
    const device = deps.devices.read(ctx, email);
    const at = { ip: ctx.ip, meta: requestMeta(ctx), clientId: clientIdOf(details), ...(device && { device }) };
    const checked = await deps.signIn.password({ email, password: form.data.password, at, demandsMfa: demandsMfa(details.params) });
    if (checked.limited) {
      limitedAnswer(ctx, checked);
      const error = checked.scope === 'account' ? newDeviceLimitedMessage(checked.retryAfterSeconds) : limitedMessage(checked.retryAfterSeconds);
      return renderLogin(ctx, 429, details, { email, error });
    }
    if (!checked.ok) {
      // The same answer for every failure (SECURITY.md A2); only the audit log tells them apart.
      const error = new AppError('interaction.invalid_credentials');
      return renderLogin(ctx, error.status, details, { email, error: error.publicMessage });
    }
    deps.devices.issue(ctx, email);
    if (await emailStep.afterPassword(ctx, details, checked.account, checked.step)) return;
    await secondFactor.afterPassword(ctx, details, checked.account, checked.step);
  });

  // A sign-in with a passkey alone (passkey.handlers.ts): only from the sign-in page itself, not
  // once a password verified (the second step has its own passkey routes below), nor while the
  // interaction waits at the email step.
  const passkeySignInPage = async (ctx: Context) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    if (details.prompt.name !== 'login' || secondFactorOf(details) || emailStepOf(details)) throw new AppError('interaction.expired');
    return details;
  };

  router.post('/passkey/options', formBody(), async (ctx) => {
    await passkeySignInPage(ctx);
    if (!csrfOnlyForm.safeParse(ctx.request.body).success) throw new AppError('request.invalid');
    await passkey.signInOptions(ctx);
  });

  router.post('/passkey', formBody(), async (ctx) => {
    const details = await passkeySignInPage(ctx);
    const form = passkeyForm.safeParse(ctx.request.body);
    if (!form.success) throw new AppError('passkey.invalid');
    const outcome = await passkey.signIn(ctx, details, form.data.response);
    if ('limited' in outcome) {
      limitedAnswer(ctx, { retryAfterSeconds: outcome.limited });
      return renderLogin(ctx, 429, details, { error: limitedMessage(outcome.limited) });
    }
    if ('wrong' in outcome) return renderLogin(ctx, outcome.wrong.status, details, { error: outcome.wrong.publicMessage });
    // A passkey alone never signs in to an unconfirmed address either (SECURITY.md A6): the email
    // step first, and the sign-in then finishes at the password level (the `none` step).
    const account = await deps.users.findById(outcome.accountId);
    if (!account) throw new AppError('interaction.expired');
    if (await emailStep.afterPassword(ctx, details, account, 'none')) return;
    await passkey.finish(ctx, outcome.accountId);
  });

  router.post('/passkey-step/options', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const state = secondFactorOf(details);
    if (!state || state.verified) throw new AppError('interaction.expired');
    await passkey.stepOptions(ctx, state);
  });

  router.post('/passkey-step', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const current = secondFactorOf(details);
    const form = passkeyForm.safeParse(ctx.request.body);
    if (!current || !form.success) throw new AppError(current ? 'passkey.invalid' : 'interaction.expired');
    const { state, challenge } = await passkey.takeStepChallenge(ctx, current);
    await secondFactor.verify(ctx, details, state, PASSKEY, form.data.response, challenge);
  });

  router.get('/recovery', async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    const state = secondFactorOf(details);
    if (!state) throw new AppError('interaction.expired');
    await secondFactor.show(ctx, details, state, 'recovery_code');
  });

  router.post('/totp', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const state = secondFactorOf(details);
    const form = totpForm.safeParse(ctx.request.body);
    if (!state || !form.success) throw new AppError(state ? 'request.invalid' : 'interaction.expired');
    await secondFactor.verify(ctx, details, state, 'totp', form.data.code);
  });

  router.post('/recovery', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const state = secondFactorOf(details);
    const form = recoveryCodeForm.safeParse(ctx.request.body);
    if (!state || !form.success) throw new AppError(state ? 'request.invalid' : 'interaction.expired');
    await secondFactor.verify(ctx, details, state, 'recovery_code', form.data.recovery_code);
  });

  router.post('/enrol/start', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const state = secondFactorOf(details);
    if (!state) throw new AppError('interaction.expired');
    await secondFactor.startEnrolment(ctx, details, state);
  });

  router.post('/enrol', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const state = secondFactorOf(details);
    const form = totpForm.safeParse(ctx.request.body);
    if (!state || !form.success) throw new AppError(state ? 'request.invalid' : 'interaction.expired');
    await secondFactor.enrol(ctx, details, state, form.data.code);
  });

  router.post('/continue', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    const state = secondFactorOf(details);
    if (!state) throw new AppError('interaction.expired');
    await secondFactor.continueVerified(ctx, state);
  });

  /** Registration exists only when it is open; invite-only and closed say so on a 403 page. */
  const requireOpenRegistration = () => {
    if (deps.registration === 'invite') throw new AppError('registration.invite_only');
    if (deps.registration === 'closed') throw new AppError('registration.closed');
  };

  router.get('/register', async (ctx) => {
    requireOpenRegistration();
    const details = await loadInteraction(ctx, deps.getProvider());
    if (details.prompt.name !== 'login') throw new AppError('interaction.expired');
    // An email carried over from the sign-in page is only a prefill: anything unusable is dropped.
    const carried = prefillEmail.safeParse(ctx.query.email);
    renderRegister(ctx, 200, details.uid, carried.success && carried.data ? { email: carried.data } : {});
  });

  router.post('/register', formBody(), async (ctx) => {
    requireOpenRegistration();
    const details = await loadInteraction(ctx, deps.getProvider());
    if (details.prompt.name !== 'login') throw new AppError('interaction.expired');
    requireCsrf(ctx, details.uid);
    const form = registerForm.safeParse(ctx.request.body);
    if (!form.success) return renderRegister(ctx, 400, details.uid, { error: form.error.issues[0]!.message });
    const email = emailSchema.safeParse(form.data.email);
    const shown = { email: normalizeEmail(form.data.email), ...(form.data.name && { name: form.data.name }) };
    if (!email.success) return renderRegister(ctx, 400, details.uid, { ...shown, error: email.error.issues[0]!.message });
    let registered;
    try {
      const at = { ip: ctx.ip, meta: requestMeta(ctx), clientId: clientIdOf(details) };
      registered = await deps.signIn.register({ email: email.data, password: form.data.password, name: form.data.name, at, demandsMfa: demandsMfa(details.params), links: { verify: emailStep.linkFor(details.uid), signIn: `${deps.issuer}/account` } });
    } catch (error) {
      if (!(error instanceof AppError) || !error.code.startsWith('password.')) throw error;
      return renderRegister(ctx, error.status, details.uid, { ...shown, error: error.publicMessage });
    }
    if (registered.limited) {
      limitedAnswer(ctx, registered);
      return renderRegister(ctx, 429, details.uid, { ...shown, error: limitedMessage(registered.retryAfterSeconds) });
    }
    // The same step whether the address was new or taken (SECURITY.md A2): no device cookie,
    // no sign-in, until the message's code or link shows the address is this person's.
    await emailStep.afterRegistration(ctx, details, registered.subject, registered.step);
  });

  emailStepRoutes(router, deps, emailStep);

  router.post('/consent', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    await consent.allow(ctx, details);
  });

  router.post('/deny', formBody(), async (ctx) => {
    const details = await loadInteraction(ctx, deps.getProvider());
    requireCsrf(ctx, details.uid);
    await deps.getProvider().interactionFinished(ctx.req, ctx.res, { error: 'access_denied', error_description: message('signin.denied') }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  });

  return router;
}

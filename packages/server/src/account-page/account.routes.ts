/**
 * The account page and its settings, behind the account session (account-session.ts) and its
 * step-up rule (account-pages.ts: a password-only session of an account with an authenticator
 * app sees and changes nothing until it signs in with the code):
 * - `/account`: the email and what can be changed;
 * - password change (accounts/password-change.service.ts), the new password typed twice;
 * - authenticator app (mfa/second-factor.service.ts): set up (QR code and setup key, confirmed by
 *   a code, then recovery codes shown once), regenerate recovery codes (a current code), turn off
 *   (a code or a recovery code). Turning it on or off ends every other session and revokes every
 *   grant (SECURITY.md A16).
 * - The seed of a set-up started here lives in a sealed cookie bound to this account session
 *   (its `sid`), never in a row another flow could read: it is shown to this session only, and
 *   every start makes a new one (SECURITY.md A15).
 * Every POST checks CSRF first and answers 303 (an error travels to the form page in a sealed
 * one-shot cookie and shows in role="alert"), except a guess the limits refuse: 429 with
 * Retry-After and the form again. Each service call writes its own audit event.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import { AppError } from '../http/app-error.js';
import { csrfField, csrfOnlyForm, totpForm } from '../interactions/forms.js';
import { limitedMessage, newDeviceLimitedMessage } from '../http/limited-message.js';
import { message } from '../messages/message.js';
import type { LimitScope } from '../limits/attempt-guard.js';
import type { SecondFactorService } from '../mfa/second-factor.service.js';
import { PENDING_ENROLMENT_MS } from '../mfa/mfa.service.js';
import type { PasswordChangeService } from '../accounts/password-change.service.js';
import type { PasskeyService } from '../passkeys/passkey.service.js';
import { requestMeta } from '../audit/audit.service.js';
import type { CheckAt } from '../limits/guarded-check.js';
import type { DeviceCookies, DeviceTrust } from '../interactions/device-cookie.js';
import { accountView } from '../views/account.view.js';
import { accountPasswordView } from '../views/account-password.view.js';
import { accountConfirmView } from '../views/account-confirm.view.js';
import { totpSetupView } from '../views/totp-setup.view.js';
import { recoveryCodesView } from '../views/recovery-codes.view.js';
import { ACCOUNT_CLIENT_ID } from './account-client.js';
import type { AccountSession } from './account-session.js';
import { failureMessage, type AccountPages } from './account-pages.js';

const passwordForm = z.object({ csrf: csrfField, current_password: z.string().max(1024), new_password: z.string().max(1024), confirm_password: z.string().max(1024) });
const CODES = 'portcullis.account.codes';
const PENDING = 'portcullis.account.totp';

export interface AccountRoutesDeps {
  pages: AccountPages;
  /** The sign-in's device cookies: a known device skips the per-account lockout here too. */
  devices: DeviceCookies;
  secondFactor: SecondFactorService;
  passwords: PasswordChangeService;
  passwordMinLength: number;
  /** How many passkeys the page mentions (account-passkeys.routes.ts manages them). */
  passkeys: Pick<PasskeyService, 'count'>;
}

export function accountRoutes(deps: AccountRoutesDeps): Router {
  const router = new Router({ prefix: '/account' });
  const { pages, secondFactor } = deps;
  /**
   * Who guesses: with this browser's device cookie for the account when it is trusted for the
   * kind of secret (device-cookie.ts), counted per device rather than per account (A14).
   */
  const at = (ctx: Context, session: AccountSession, trust: DeviceTrust = 'code'): CheckAt => {
    const device = deps.devices.read(ctx, session.email, trust);
    return { ip: ctx.ip, meta: requestMeta(ctx), clientId: ACCOUNT_CLIENT_ID, ...(device && { device }) };
  };
  const codesCookie = (session: AccountSession) => ({ path: '/account', aad: `codes:account:${session.accountId}:${session.csrfScope}` });
  const pendingCookie = (session: AccountSession) => ({ path: '/account', aad: `totp-pending:account:${session.accountId}:${session.csrfScope}` });
  const pendingOf = (ctx: Context, session: AccountSession) => {
    const value = pages.sealed.read(ctx, PENDING, pendingCookie(session));
    return typeof value === 'string' ? value : undefined;
  };
  const showCodes = (ctx: Context, session: AccountSession, codes: string[]) => {
    pages.sealed.put(ctx, CODES, codes, { ...codesCookie(session), maxAgeMs: 10 * 60 * 1000 });
    pages.redirectWith(ctx, session, '/account/recovery-codes/new');
  };
  /** A guess the limits refused: 429, Retry-After, and the form again with the reason. */
  const limited = (ctx: Context, refused: { retryAfterSeconds: number; scope?: LimitScope }, render: (error: string) => void, password = false) => {
    ctx.set('Retry-After', String(refused.retryAfterSeconds));
    ctx.status = 429;
    // The per-account password lockout refuses devices unknown to the account: say so, and what
    // to do, as the sign-in page does.
    render(password && refused.scope === 'account' ? newDeviceLimitedMessage(refused.retryAfterSeconds) : limitedMessage(refused.retryAfterSeconds));
  };
  /** Parses a POST after its CSRF check; a malformed form is a 400, not a flash. */
  const parsePost = <T>(ctx: Context, session: AccountSession, schema: z.ZodType<T>): T => {
    pages.requireCsrf(ctx, session);
    const parsed = schema.safeParse(ctx.request.body);
    if (!parsed.success) throw new AppError('request.invalid');
    return parsed.data;
  };

  router.get('/', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const status = await secondFactor.status(session.accountId);
    sendPage(ctx, 200, accountView({
      nonce: nonceOf(ctx),
      csrfToken: pages.csrfToken(session),
      email: session.email,
      mfaEnabled: status.enabled,
      recoveryCodesLeft: status.recoveryCodesLeft,
      passkeys: await deps.passkeys.count(session.accountId),
      ...pages.takeFlash(ctx, session),
    }));
  });

  const passwordPage = (ctx: Context, session: AccountSession, status: number, error?: string) =>
    sendPage(ctx, status, accountPasswordView({ nonce: nonceOf(ctx), csrfToken: pages.csrfToken(session), passwordMinLength: deps.passwordMinLength, email: session.email, ...(error && { error }) }));

  router.get('/password', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    passwordPage(ctx, session, 200, pages.takeFlash(ctx, session).error);
  });

  router.post('/password', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const form = parsePost(ctx, session, passwordForm);
    // A typo in the new password is caught before anything is checked or counted.
    if (form.new_password !== form.confirm_password) return pages.redirectWith(ctx, session, '/account/password', { kind: 'error', message: message('password.mismatch') });
    try {
      const result = await deps.passwords.change({ accountId: session.accountId, email: session.email, current: form.current_password, next: form.new_password, keepSessionId: session.sessionId, at: at(ctx, session, 'password') });
      if (result.limited) return limited(ctx, result, (error) => passwordPage(ctx, session, 429, error), true);
      pages.redirectWith(ctx, session, '/account', { kind: 'notice', message: message('account.password_changed') });
    } catch (error) {
      pages.redirectWith(ctx, session, '/account/password', { kind: 'error', message: failureMessage(error, ['account.invalid_password', 'password.']) });
    }
  });

  // Setting up starts with a POST (the button on the account page): making a seed is a write,
  // and nothing is written on a GET (SECURITY.md A12). Each press makes a new seed.
  router.post('/totp/start', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    parsePost(ctx, session, csrfOnlyForm);
    if (!pages.requireVerifiedEmail(ctx, session, '/account')) return;
    if (await secondFactor.isEnabled(session.accountId)) return pages.redirectWith(ctx, session, '/account');
    const pending = await secondFactor.beginEnrolment(session.accountId);
    pages.sealed.put(ctx, PENDING, pending, { ...pendingCookie(session), maxAgeMs: PENDING_ENROLMENT_MS });
    ctx.status = 303;
    ctx.redirect('/account/totp/setup');
  });

  const setupPage = async (ctx: Context, session: AccountSession, status: number, error?: string): Promise<boolean> => {
    const pending = pendingOf(ctx, session);
    const enrolment = pending && (await secondFactor.enrolment({ id: session.accountId, email: session.email }, pending));
    if (!enrolment) return false;
    sendPage(ctx, status, totpSetupView({
      nonce: nonceOf(ctx),
      csrfToken: pages.csrfToken(session),
      action: '/account/totp/setup',
      qrCodeDataUrl: enrolment.qrCodeDataUrl,
      secret: enrolment.secret,
      cancelHref: '/account',
      ...(error && { error }),
    }));
    return true;
  };

  router.get('/totp/setup', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const { error } = pages.takeFlash(ctx, session);
    // TOTP already on, the set-up expired, or reached without pressing the button (a bookmark,
    // a link from elsewhere): back to the account page.
    if ((await secondFactor.isEnabled(session.accountId)) || !(await setupPage(ctx, session, 200, error))) pages.redirectWith(ctx, session, '/account');
  });

  router.post('/totp/setup', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const form = parsePost(ctx, session, totpForm);
    if (!pages.requireVerifiedEmail(ctx, session, '/account')) return;
    const pending = pendingOf(ctx, session);
    if (!pending) return pages.redirectWith(ctx, session, '/account', { kind: 'error', message: message('account.totp_setup_expired') });
    const result = await secondFactor.confirmEnrolment({ accountId: session.accountId, pending, code: form.code, at: at(ctx, session), keep: { sessionId: session.sessionId }, during: 'account' });
    if (result.limited) return limited(ctx, result, (error) => void setupPage(ctx, session, 429, error));
    if (!result.codes) return pages.redirectWith(ctx, session, '/account/totp/setup', { kind: 'error', message: new AppError('mfa.invalid_code').publicMessage });
    pages.sealed.clear(ctx, PENDING, pendingCookie(session));
    deps.devices.secondFactorVerified(ctx, session.email);
    showCodes(ctx, session, result.codes);
  });

  // Shows codes this very session just made (a sealed cookie bound to it), so it is the one page
  // that does not ask a session that has just turned the app on to step up first: the next page
  // does, which also proves the app works.
  router.get('/recovery-codes/new', async (ctx) => {
    const session = await pages.resolve(ctx);
    if (!session) return;
    const codes = pages.sealed.take(ctx, CODES, codesCookie(session));
    sendPage(ctx, 200, recoveryCodesView({
      nonce: nonceOf(ctx),
      ...(Array.isArray(codes) && { codes: codes.filter((c): c is string => typeof c === 'string') }),
      next: { kind: 'link', href: '/account', label: message('next.back_to_account') },
    }));
  });

  interface ConfirmPage { title: string; intro: string; label: string; hint?: string; numeric: boolean; button: string }
  // `view` is a function: its texts are read in the language of each request, not at start-up.
  const confirmPage = (ctx: Context, session: AccountSession, path: string, view: () => ConfirmPage, status: number, error?: string) =>
    sendPage(ctx, status, accountConfirmView({ nonce: nonceOf(ctx), csrfToken: pages.csrfToken(session), action: `/account${path}`, ...view(), ...(error && { error }) }));

  const confirmRoute = (path: string, view: () => ConfirmPage, act: (ctx: Context, session: AccountSession, code: string) => Promise<{ limited: true; retryAfterSeconds: number; scope?: LimitScope } | { limited: false; done: () => void } | { limited: false; error: string }>) => {
    router.get(path, async (ctx) => {
      const session = await pages.signedIn(ctx);
      if (!session) return;
      if (!(await secondFactor.isEnabled(session.accountId))) return pages.redirectWith(ctx, session, '/account');
      confirmPage(ctx, session, path, view, 200, pages.takeFlash(ctx, session).error);
    });
    router.post(path, formBody(), async (ctx) => {
      const session = await pages.signedIn(ctx);
      if (!session) return;
      const form = parsePost(ctx, session, totpForm);
      const outcome = await act(ctx, session, form.code);
      if (outcome.limited) return limited(ctx, outcome, (error) => confirmPage(ctx, session, path, view, 429, error));
      if ('error' in outcome) return pages.redirectWith(ctx, session, `/account${path}`, { kind: 'error', message: outcome.error });
      outcome.done();
    });
  };

  confirmRoute('/recovery-codes', () => ({
    title: message('confirm.regenerate.title'),
    intro: message('confirm.regenerate.intro'),
    label: message('confirm.regenerate.label'),
    numeric: true,
    button: message('confirm.regenerate.button'),
  }), async (ctx, session, code) => {
    const result = await secondFactor.regenerateRecoveryCodes({ accountId: session.accountId, code, at: at(ctx, session) });
    if (result.limited) return result;
    const { codes } = result;
    if (!codes) return { limited: false, error: new AppError('mfa.invalid_code').publicMessage };
    return { limited: false, done: () => showCodes(ctx, session, codes) };
  });

  confirmRoute('/totp/disable', () => ({
    title: message('confirm.disable.title'),
    intro: message('confirm.disable.intro'),
    label: message('confirm.disable.label'),
    hint: message('confirm.disable.hint'),
    numeric: false,
    button: message('confirm.disable.button'),
  }), async (ctx, session, code) => {
    const result = await secondFactor.disable({ accountId: session.accountId, code, at: at(ctx, session), keepSessionId: session.sessionId });
    if (result.limited) return result;
    if (!result.disabled) return { limited: false, error: message('account.totp_disable_invalid_code') };
    return { limited: false, done: () => pages.redirectWith(ctx, session, '/account', { kind: 'notice', message: message('account.totp_turned_off') }) };
  });

  return router;
}

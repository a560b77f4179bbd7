/**
 * The account page and its settings, behind the account session (account-session.ts):
 * - `/account`: the email and what can be changed;
 * - password change (current password, policy, other sessions ended, grants revoked);
 * - authenticator app: set up (QR code and setup key, confirmed by a code, then recovery codes
 *   shown once), regenerate recovery codes (a current code), turn off (a code or a recovery
 *   code; like a password change, it ends every other session and revokes every grant, since a
 *   session or refresh token obtained with the weaker sign-in must not outlive the change).
 * Every POST checks CSRF first, writes exactly one audit event, and answers 303; an error
 * travels to the form page in a sealed one-shot cookie and shows in role="alert".
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import { AppError } from '../http/app-error.js';
import { csrfField, csrfOnlyForm, totpForm } from '../interactions/forms.js';
import type { MfaService } from '../mfa/mfa.service.js';
import type { PasswordChangeService } from '../accounts/password-change.service.js';
import type { AccountArtefacts } from '../oidc/account-artefacts.js';
import type { AuditInput, AuditService } from '../audit/audit.service.js';
import { requestMeta } from '../audit/audit.service.js';
import { accountView } from '../views/account.view.js';
import { accountPasswordView } from '../views/account-password.view.js';
import { accountConfirmView } from '../views/account-confirm.view.js';
import { totpSetupView } from '../views/totp-setup.view.js';
import { recoveryCodesView } from '../views/recovery-codes.view.js';
import { ACCOUNT_CLIENT_ID } from './account-client.js';
import type { AccountSession } from './account-session.js';
import { failureMessage, type AccountPages } from './account-pages.js';
import type { AttemptGuard } from '../limits/attempt-guard.js';

const passwordForm = z.object({ csrf: csrfField, current_password: z.string().max(1024), new_password: z.string().max(1024) });
const CODES = 'portcullis.account.codes';

export interface AccountRoutesDeps {
  pages: AccountPages;
  mfa: MfaService;
  passwords: PasswordChangeService;
  artefacts: AccountArtefacts;
  audit: AuditService;
  passwordMinLength: number;
  passwordGuard: AttemptGuard;
}

export function accountRoutes(deps: AccountRoutesDeps): Router {
  const router = new Router({ prefix: '/account' });
  const { pages } = deps;
  const record = (ctx: Context, session: AccountSession, input: Omit<AuditInput, 'accountId' | 'clientId'>) =>
    deps.audit.record({ ...input, accountId: session.accountId, clientId: ACCOUNT_CLIENT_ID }, requestMeta(ctx));
  const codesCookie = (session: AccountSession) => ({ path: '/account', aad: `codes:account:${session.accountId}:${session.csrfScope}` });
  const showCodes = (ctx: Context, session: AccountSession, codes: string[]) => {
    pages.sealed.put(ctx, CODES, codes, { ...codesCookie(session), maxAgeMs: 10 * 60 * 1000 });
    pages.redirectWith(ctx, session, '/account/recovery-codes/new');
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
    const status = await deps.mfa.status(session.accountId);
    sendPage(ctx, 200, accountView({
      nonce: nonceOf(ctx),
      csrfToken: pages.csrfToken(session),
      email: session.email,
      mfaEnabled: status.enabled,
      recoveryCodesLeft: status.recoveryCodesLeft,
      ...pages.takeFlash(ctx, session),
    }));
  });

  router.get('/password', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const { error } = pages.takeFlash(ctx, session);
    sendPage(ctx, 200, accountPasswordView({ nonce: nonceOf(ctx), csrfToken: pages.csrfToken(session), passwordMinLength: deps.passwordMinLength, ...(error && { error }) }));
  });

  router.post('/password', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const form = parsePost(ctx, session, passwordForm);
    // The current-password check is a password guess like any other (SECURITY.md A1): it is
    // counted before argon2 runs, against the same per-account and per-address limits.
    const attempt = await deps.passwordGuard.begin(session.email, ctx.ip);
    if (!attempt.allowed) {
      return pages.redirectWith(ctx, session, '/account/password', { kind: 'error', message: `Too many attempts. Try again in ${attempt.retryAfterSeconds} seconds.` });
    }
    try {
      const result = await deps.passwords.change({ accountId: session.accountId, current: form.current_password, next: form.new_password, keepSessionId: session.sessionId });
      await record(ctx, session, { type: 'password.changed', detail: { sessions_ended: result.sessionsEnded, grants_revoked: result.grantsRevoked } });
      await attempt.succeeded();
      pages.redirectWith(ctx, session, '/account', { kind: 'notice', message: 'Your password was changed. You were signed out everywhere else.' });
    } catch (error) {
      if (error instanceof AppError && error.code === 'account.invalid_password') await attempt.failed();
      else await attempt.succeeded();
      const message = failureMessage(error, ['account.invalid_password', 'registration.password']);
      await record(ctx, session, { type: 'password.changed', outcome: 'failure', detail: { reason: error instanceof AppError ? error.code : 'unknown' } });
      pages.redirectWith(ctx, session, '/account/password', { kind: 'error', message });
    }
  });

  // Setting up starts with a POST (the button on the account page): storing the pending seed is
  // a write, and nothing is written on a GET (SECURITY.md A12). The page then shows that seed.
  router.post('/totp/start', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    parsePost(ctx, session, csrfOnlyForm);
    if (await deps.mfa.isEnabled(session.accountId)) return pages.redirectWith(ctx, session, '/account');
    await deps.mfa.startEnrolment({ id: session.accountId, email: session.email });
    ctx.status = 303;
    ctx.redirect('/account/totp/setup');
  });

  router.get('/totp/setup', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const enrolment = await deps.mfa.pendingEnrolment({ id: session.accountId, email: session.email });
    // TOTP already on (no pending seed then), or reached without pressing the button (a
    // bookmark, a link from elsewhere): back to the account page.
    if (!enrolment) return pages.redirectWith(ctx, session, '/account');
    const { error } = pages.takeFlash(ctx, session);
    sendPage(ctx, 200, totpSetupView({
      nonce: nonceOf(ctx),
      csrfToken: pages.csrfToken(session),
      action: '/account/totp/setup',
      qrCodeDataUrl: enrolment.qrCodeDataUrl,
      secret: enrolment.secret,
      cancelHref: '/account',
      ...(error && { error }),
    }));
  });

  router.post('/totp/setup', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const form = parsePost(ctx, session, totpForm);
    const codes = await deps.mfa.confirmEnrolment(session.accountId, form.code);
    await record(ctx, session, { type: 'mfa.enabled', outcome: codes ? 'success' : 'failure', detail: { during: 'account' } });
    if (!codes) return pages.redirectWith(ctx, session, '/account/totp/setup', { kind: 'error', message: new AppError('mfa.invalid_code').publicMessage });
    showCodes(ctx, session, codes);
  });

  router.get('/recovery-codes/new', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const codes = pages.sealed.take(ctx, CODES, codesCookie(session));
    sendPage(ctx, 200, recoveryCodesView({
      nonce: nonceOf(ctx),
      ...(Array.isArray(codes) && { codes: codes.filter((c): c is string => typeof c === 'string') }),
      next: { kind: 'link', href: '/account', label: 'Back to your account' },
    }));
  });

  const confirmPage = (path: string, view: { title: string; intro: string; label: string; hint?: string; numeric: boolean; button: string }) => {
    router.get(path, async (ctx) => {
      const session = await pages.signedIn(ctx);
      if (!session) return;
      if (!(await deps.mfa.isEnabled(session.accountId))) return pages.redirectWith(ctx, session, '/account');
      const { error } = pages.takeFlash(ctx, session);
      sendPage(ctx, 200, accountConfirmView({ nonce: nonceOf(ctx), csrfToken: pages.csrfToken(session), action: `/account${path}`, ...view, ...(error && { error }) }));
    });
  };

  confirmPage('/recovery-codes', {
    title: 'Regenerate recovery codes',
    intro: 'A new set of ten recovery codes replaces the old one, which stops working. Enter a code from your authenticator app to continue.',
    label: 'Code',
    numeric: true,
    button: 'Regenerate recovery codes',
  });

  router.post('/recovery-codes', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const form = parsePost(ctx, session, totpForm);
    const codes = await deps.mfa.regenerateRecoveryCodes(session.accountId, form.code);
    await record(ctx, session, { type: 'mfa.recovery_codes_regenerated', outcome: codes ? 'success' : 'failure' });
    if (!codes) return pages.redirectWith(ctx, session, '/account/recovery-codes', { kind: 'error', message: new AppError('mfa.invalid_code').publicMessage });
    showCodes(ctx, session, codes);
  });

  confirmPage('/totp/disable', {
    title: 'Turn off authenticator app',
    intro: 'Signing in will ask only for your password. Your recovery codes stop working.',
    label: 'Code or recovery code',
    hint: 'A code from your authenticator app, or one of your unused recovery codes.',
    numeric: false,
    button: 'Turn off authenticator app',
  });

  router.post('/totp/disable', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const form = parsePost(ctx, session, totpForm);
    const result = await deps.mfa.disable(session.accountId, form.code);
    if (result.disabled) {
      const ended = await deps.artefacts.endSessions(session.accountId, session.sessionId);
      const grantsRevoked = await deps.artefacts.revokeGrants(session.accountId);
      await record(ctx, session, { type: 'mfa.disabled', detail: { ...(result.method && { method: result.method }), sessions_ended: ended.length, grants_revoked: grantsRevoked } });
      for (const target of ended) await record(ctx, session, { type: 'session.revoked', detail: { reason: 'mfa_disabled', session: target.handle } });
    } else {
      await record(ctx, session, { type: 'mfa.disabled', outcome: 'failure', ...(result.method && { detail: { method: result.method } }) });
    }
    if (!result.disabled) return pages.redirectWith(ctx, session, '/account/totp/disable', { kind: 'error', message: 'That code is not valid. Enter a current code from your app or an unused recovery code.' });
    pages.redirectWith(ctx, session, '/account', { kind: 'notice', message: 'The authenticator app is turned off.' });
  });

  return router;
}

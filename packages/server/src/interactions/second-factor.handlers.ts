/**
 * The second sign-in step, inside the provider interaction (state: second-factor.state.ts).
 * - After a password: an account with TOTP, or any account when the client demands MFA, gets
 *   the code step; otherwise the login finishes with acr `…:pwd`, amr ["pwd"].
 * - A TOTP code or a recovery code finishes it with acr `…:mfa`, amr ["pwd","otp"]. A wrong,
 *   replayed or used code re-renders only this step with a role="alert" message; after
 *   MAX_CODE_FAILURES in one interaction the attempt ends with access_denied, so each
 *   password success buys a handful of guesses at most.
 * - A person without TOTP whose client demands MFA enrols here: QR code and setup key, a code
 *   to confirm, then the recovery codes once (a sealed cookie across the 303), then "Continue".
 * - Code guesses also count across attempts, per account, account and address, and address
 *   (limits/): a refused guess is a 429 with Retry-After and is not checked; a failure that
 *   exhausts a limit writes one `lockout` event.
 * Each submission writes exactly one audit event (plus the lockout, when there is one).
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import type { AccountRepository } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import type { SealedCookies } from '../http/sealed-cookie.js';
import type { MfaService } from '../mfa/mfa.service.js';
import { ACR, AMR, demandsMfa } from '../oidc/acr.js';
import type { AuditService } from '../audit/audit.service.js';
import { requestMeta } from '../audit/audit.service.js';
import { secondFactorView } from '../views/second-factor.view.js';
import { totpSetupView, totpStartView } from '../views/totp-setup.view.js';
import { recoveryCodesView } from '../views/recovery-codes.view.js';
import type { Csrf } from './csrf.js';
import { saveState, type SecondFactorState } from './second-factor.state.js';
import type { Limits } from '../limits/limits.js';
import { LIMITED_MESSAGE } from './limited.js';

export const MAX_CODE_FAILURES = 5;
const CODES_COOKIE = 'portcullis.codes';
/** After a verified password: nothing more, a code from the app, or setting the app up first. */
export type SecondStep = 'none' | 'code' | 'enrol';
const ENROL_INTRO = 'This application asks for two-step verification. Set up an authenticator app to continue.';

export interface SecondFactorDeps {
  getProvider(): Provider;
  mfa: MfaService;
  accounts: AccountRepository;
  csrf: Csrf;
  sealed: SealedCookies;
  audit: AuditService;
  limits: Limits;
}

export type Method = 'totp' | 'recovery_code';

export function createSecondFactorHandlers(deps: SecondFactorDeps) {
  const paths = (uid: string) => {
    const start = `/interaction/${uid}`;
    return { start, totp: `${start}/totp`, recovery: `${start}/recovery`, enrol: `${start}/enrol`, enrolStart: `${start}/enrol/start`, done: `${start}/continue` };
  };
  const codesCookie = (uid: string, accountId: string) => ({ path: paths(uid).start, aad: `codes:interaction:${uid}:${accountId}` });
  const clientIdOf = (details: Interaction) => (typeof details.params.client_id === 'string' ? details.params.client_id : null);

  async function finish(ctx: Context, accountId: string, level: 'password' | 'mfa'): Promise<void> {
    const login = { accountId, acr: ACR[level], amr: [...AMR[level]], remember: false };
    await deps.getProvider().interactionFinished(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  }

  const renderCodeStep = (ctx: Context, status: number, uid: string, method: Method, error?: string): void =>
    sendPage(ctx, status, secondFactorView({
      nonce: nonceOf(ctx),
      csrfToken: deps.csrf.tokenFor(uid),
      mode: method === 'totp' ? 'totp' : 'recovery',
      action: method === 'totp' ? paths(uid).totp : paths(uid).recovery,
      switchHref: method === 'totp' ? paths(uid).recovery : paths(uid).start,
      ...(error && { error }),
    }));

  /**
   * Shows the pending seed the password step (or the start button) stored; without one, the
   * start button. A GET writes nothing (SECURITY.md A12).
   */
  async function renderEnrolment(ctx: Context, status: number, uid: string, accountId: string, error?: string): Promise<void> {
    const account = await deps.accounts.findById(accountId);
    if (!account) throw new AppError('interaction.expired');
    const enrolment = await deps.mfa.pendingEnrolment(account);
    if (!enrolment) {
      sendPage(ctx, status, totpStartView({ nonce: nonceOf(ctx), csrfToken: deps.csrf.tokenFor(uid), action: paths(uid).enrolStart, intro: ENROL_INTRO }));
      return;
    }
    sendPage(ctx, status, totpSetupView({
      nonce: nonceOf(ctx),
      csrfToken: deps.csrf.tokenFor(uid),
      action: paths(uid).enrol,
      qrCodeDataUrl: enrolment.qrCodeDataUrl,
      secret: enrolment.secret,
      intro: ENROL_INTRO,
      ...(error && { error }),
    }));
  }

  /** One more wrong code: re-render, or end the attempt when the limit is reached. */
  async function failed(ctx: Context, details: Interaction, state: SecondFactorState, rerender: (error: string) => Promise<void> | void, error: string): Promise<void> {
    const failures = state.failures + 1;
    if (failures >= MAX_CODE_FAILURES) {
      await deps.getProvider().interactionFinished(ctx.req, ctx.res, { error: 'access_denied', error_description: 'Too many wrong codes.' }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return;
    }
    await saveState(deps.getProvider(), ctx, { ...state, failures });
    await rerender(error);
  }

  return {
    /** What a verified password leads to: a code (TOTP on), setting up an app (MFA demanded), or nothing. */
    async secondStep(details: Interaction, accountId: string): Promise<SecondStep> {
      if (await deps.mfa.isEnabled(accountId)) return 'code';
      return demandsMfa(details.params) ? 'enrol' : 'none';
    },

    /** After a verified password (or a registration): finish, or hand over to the code step. */
    async afterPassword(ctx: Context, details: Interaction, account: { id: string; email: string }, step: SecondStep): Promise<void> {
      if (step === 'none') return finish(ctx, account.id, 'password');
      // MFA demanded but not set up: the seed to enrol is stored now, in this POST, so the
      // page that shows it only reads.
      if (step === 'enrol') await deps.mfa.startEnrolment(account);
      await saveState(deps.getProvider(), ctx, { accountId: account.id, failures: 0, verified: false });
      ctx.status = 303;
      ctx.redirect(paths(details.uid).start);
    },

    async show(ctx: Context, details: Interaction, state: SecondFactorState, method: Method): Promise<void> {
      if (state.verified) {
        const codes = deps.sealed.take(ctx, CODES_COOKIE, codesCookie(details.uid, state.accountId));
        sendPage(ctx, 200, recoveryCodesView({
          nonce: nonceOf(ctx),
          ...(Array.isArray(codes) && { codes: codes.filter((c): c is string => typeof c === 'string') }),
          next: { kind: 'form', action: paths(details.uid).done, csrfToken: deps.csrf.tokenFor(details.uid), label: 'Continue' },
        }));
        return;
      }
      if (await deps.mfa.isEnabled(state.accountId)) return renderCodeStep(ctx, 200, details.uid, method);
      if (demandsMfa(details.params)) return renderEnrolment(ctx, 200, details.uid, state.accountId);
      // TOTP was turned off since the password step and nothing demands it: a password is enough.
      await finish(ctx, state.accountId, 'password');
    },

    async verify(ctx: Context, details: Interaction, state: SecondFactorState, method: Method, code: string): Promise<void> {
      if (state.verified || !(await deps.mfa.isEnabled(state.accountId))) throw new AppError('interaction.expired');
      const attempt = await deps.limits.mfa.begin(state.accountId, ctx.ip);
      if (!attempt.allowed) {
        ctx.set('Retry-After', String(attempt.retryAfterSeconds));
        return renderCodeStep(ctx, 429, details.uid, method, LIMITED_MESSAGE);
      }
      const ok = method === 'totp' ? await deps.mfa.verifyTotp(state.accountId, code) : await deps.mfa.verifyRecoveryCode(state.accountId, code);
      const about = { accountId: state.accountId, clientId: clientIdOf(details) };
      await deps.audit.record({ type: 'mfa.verify', outcome: ok ? 'success' : 'failure', ...about, detail: { method } }, requestMeta(ctx));
      if (ok) {
        await attempt.succeeded();
        return finish(ctx, state.accountId, 'mfa');
      }
      for (const lockout of await attempt.failed()) {
        await deps.audit.record({ type: 'lockout', ...about, detail: { factor: 'mfa', scope: lockout.scope, seconds: lockout.seconds } }, requestMeta(ctx));
      }
      const error = new AppError(method === 'totp' ? 'mfa.invalid_code' : 'mfa.invalid_recovery_code');
      await failed(ctx, details, state, (message) => renderCodeStep(ctx, error.status, details.uid, method, message), error.publicMessage);
    },

    /** "Set up authenticator app" inside a sign-in: stores the pending seed, then shows it. */
    async startEnrolment(ctx: Context, details: Interaction, state: SecondFactorState): Promise<void> {
      if (state.verified || (await deps.mfa.isEnabled(state.accountId)) || !demandsMfa(details.params)) throw new AppError('interaction.expired');
      const account = await deps.accounts.findById(state.accountId);
      if (!account) throw new AppError('interaction.expired');
      await deps.mfa.startEnrolment(account);
      ctx.status = 303;
      ctx.redirect(paths(details.uid).start);
    },

    async enrol(ctx: Context, details: Interaction, state: SecondFactorState, code: string): Promise<void> {
      if (state.verified || (await deps.mfa.isEnabled(state.accountId)) || !demandsMfa(details.params)) throw new AppError('interaction.expired');
      const codes = await deps.mfa.confirmEnrolment(state.accountId, code);
      await deps.audit.record({ type: 'mfa.enabled', outcome: codes ? 'success' : 'failure', accountId: state.accountId, clientId: clientIdOf(details), detail: { during: 'sign-in' } }, requestMeta(ctx));
      if (!codes) {
        const error = new AppError('mfa.invalid_code');
        return failed(ctx, details, state, (message) => renderEnrolment(ctx, 400, details.uid, state.accountId, message), error.publicMessage);
      }
      deps.sealed.put(ctx, CODES_COOKIE, codes, { ...codesCookie(details.uid, state.accountId), maxAgeMs: 10 * 60 * 1000 });
      await saveState(deps.getProvider(), ctx, { ...state, verified: true });
      ctx.status = 303;
      ctx.redirect(paths(details.uid).start);
    },

    /** "Continue" after the recovery codes of an enrolment made inside the sign-in. */
    async continueVerified(ctx: Context, state: SecondFactorState): Promise<void> {
      if (!state.verified) throw new AppError('interaction.expired');
      await finish(ctx, state.accountId, 'mfa');
    },
  };
}

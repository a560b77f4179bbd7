/**
 * The second sign-in step, inside the provider interaction (state: second-factor.state.ts).
 * - After a password: an account with TOTP, or any account when the client demands MFA, gets
 *   the code step; otherwise the login finishes with acr `…:pwd`, amr ["pwd"].
 * - A TOTP code or a recovery code finishes it with acr `…:mfa`, amr ["pwd","otp"], a passkey
 *   with amr ["pwd","hwk","user"] (its challenge: passkey.handlers.ts). A wrong,
 *   replayed or used code re-renders only this step with a role="alert" message; after
 *   MAX_CODE_FAILURES in one interaction the attempt ends with access_denied, so each
 *   password success buys a handful of guesses at most.
 * - A person without TOTP whose client demands MFA enrols here: QR code and setup key, a code
 *   to confirm, then the recovery codes once (a sealed cookie across the 303), then "Continue".
 *   The seed is kept in this interaction's state, never where another flow could read it
 *   (SECURITY.md A15); turning the app on ends every other session and revokes every grant
 *   (A16, mfa/second-factor.service.ts).
 * - Every code is checked through the second-factor service, behind the code limits: a refused
 *   guess is a 429 with Retry-After and is not checked; the service writes the audit events
 *   (one per submission, plus a `lockout` when a limit is reached).
 */
import type { Context } from 'koa';
import type { SecondStep } from '../accounts/sign-in.service.js';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { AppError } from '../http/app-error.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import type { SealedCookies } from '../http/sealed-cookie.js';
import type { FactorId, SecondFactorService } from '../mfa/second-factor.service.js';
import type { UsersService } from '../accounts/users.service.js';
import { ACR, AMR, demandsMfa } from '../oidc/acr.js';
import { requestMeta } from '../audit/audit.service.js';
import type { CheckAt } from '../limits/guarded-check.js';
import { secondFactorView } from '../views/second-factor.view.js';
import { totpSetupView, totpStartView } from '../views/totp-setup.view.js';
import { recoveryCodesView } from '../views/recovery-codes.view.js';
import type { Csrf } from './csrf.js';
import { readState, saveState, type SecondFactorState } from './second-factor.state.js';
import { limitedMessage } from '../http/limited-message.js';
import { message } from '../messages/message.js';
import type { DeviceCookies } from './device-cookie.js';
import { interactionPaths as paths } from './paths.js';
import { TOTP } from '../mfa/factors/totp.factor.js';
import { PASSKEY } from '../mfa/factors/passkey.factor.js';

export const MAX_CODE_FAILURES = 5;
const CODES_COOKIE = 'portcullis.codes';

export interface SecondFactorDeps {
  getProvider(): Provider;
  secondFactor: SecondFactorService;
  users: Pick<UsersService, 'findById'>;
  csrf: Csrf;
  sealed: SealedCookies;
  /** The sign-in's device cookies (device-cookie.ts): a known device's codes count on their own. */
  devices: DeviceCookies;
}

/** The factor a step is for: `totp`, `recovery_code` or `passkey` (factors/). */
type Method = FactorId;

export function createSecondFactorHandlers(deps: SecondFactorDeps) {
  const codesCookie = (uid: string, accountId: string) => ({ path: paths(uid).start, aad: `codes:interaction:${uid}:${accountId}` });
  const clientIdOf = (details: Interaction) => (typeof details.params.client_id === 'string' ? details.params.client_id : null);
  /**
   * Who guesses: with this browser's device cookie when a second factor verified on it before for
   * this account (the cookie names an email, so the account is read for it); such a device's codes
   * count on their own rather than against the per-account limit (A14).
   */
  const guesser = async (ctx: Context, details: Interaction, accountId: string): Promise<{ at: CheckAt; email?: string }> => {
    const account = await deps.users.findById(accountId);
    const device = account ? deps.devices.read(ctx, account.email, 'code') : undefined;
    return { at: { ip: ctx.ip, meta: requestMeta(ctx), clientId: clientIdOf(details), ...(device && { device }) }, ...(account && { email: account.email }) };
  };
  const { secondFactor } = deps;
  const limited = (ctx: Context, retryAfterSeconds: number) => ctx.set('Retry-After', String(retryAfterSeconds));

  async function finish(ctx: Context, accountId: string, level: 'password' | 'mfa', amr: readonly string[] = AMR[level]): Promise<void> {
    const login = { accountId, acr: ACR[level], amr: [...amr], remember: false };
    await deps.getProvider().interactionFinished(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  }

  /**
   * The code step for `method`, offering what the account has set up: the authenticator app's
   * code (and its recovery codes) and, with a passkey, the passkey button (which needs JavaScript).
   */
  const renderCodeStep = async (ctx: Context, status: number, uid: string, accountId: string, method: Method, error?: string): Promise<void> => {
    const methods = await secondFactor.methods(accountId);
    const recovery = method === 'recovery_code';
    sendPage(ctx, status, secondFactorView({
      nonce: nonceOf(ctx),
      csrfToken: deps.csrf.tokenFor(uid),
      mode: recovery ? 'recovery' : 'totp',
      app: methods.includes(TOTP),
      action: recovery ? paths(uid).recovery : paths(uid).totp,
      switchHref: recovery ? paths(uid).start : paths(uid).recovery,
      ...(methods.includes(PASSKEY) && { passkey: { optionsUrl: paths(uid).passkeyStepOptions, action: paths(uid).passkeyStep } }),
      ...(error && { error }),
    }));
  };

  /**
   * Shows the seed the password step (or the start button) kept in this interaction; without
   * one (or once it expired), the start button. A GET writes nothing (SECURITY.md A12).
   */
  async function renderEnrolment(ctx: Context, status: number, uid: string, state: SecondFactorState, error?: string): Promise<void> {
    const account = await deps.users.findById(state.accountId);
    if (!account) throw new AppError('interaction.expired');
    const enrolment = state.pending ? await secondFactor.enrolment(account, state.pending) : undefined;
    if (!enrolment) {
      sendPage(ctx, status, totpStartView({ nonce: nonceOf(ctx), csrfToken: deps.csrf.tokenFor(uid), action: paths(uid).enrolStart, intro: message('signin.enrol_intro') }));
      return;
    }
    sendPage(ctx, status, totpSetupView({
      nonce: nonceOf(ctx),
      csrfToken: deps.csrf.tokenFor(uid),
      action: paths(uid).enrol,
      qrCodeDataUrl: enrolment.qrCodeDataUrl,
      secret: enrolment.secret,
      intro: message('signin.enrol_intro'),
      ...(error && { error }),
    }));
  }

  /** One more wrong code: re-render, or end the attempt when the limit is reached. */
  async function failed(ctx: Context, details: Interaction, state: SecondFactorState, rerender: (error: string) => Promise<void> | void, error: string): Promise<void> {
    const failures = state.failures + 1;
    if (failures >= MAX_CODE_FAILURES) {
      await deps.getProvider().interactionFinished(ctx.req, ctx.res, { error: 'access_denied', error_description: message('signin.too_many_wrong_codes') }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return;
    }
    await saveState(deps.getProvider(), ctx, { ...state, failures });
    await rerender(error);
  }

  /**
   * An enrolment inside a sign-in: only for an account that still exists with a confirmed
   * address (the account page refuses the same, SECURITY.md A6), and, for a session's step, only
   * while the interaction's session is still that account's.
   */
  async function requireEnrolable(details: Interaction, state: SecondFactorState): Promise<void> {
    const account = await deps.users.findById(state.accountId);
    if (!account) throw new AppError('interaction.expired');
    const stored = readState(details) !== undefined;
    if (!stored && details.session?.accountId !== state.accountId) throw new AppError('interaction.expired');
    if (!account.emailVerified) throw new AppError('account.email_unverified');
  }

  return {
    /** After a verified password (or a registration): finish, or hand over to the code step. */
    async afterPassword(ctx: Context, details: Interaction, account: { id: string; email: string }, step: SecondStep): Promise<void> {
      if (step === 'none') return finish(ctx, account.id, 'password');
      // MFA demanded but not set up: the seed to enrol is made now, in this POST, and kept in
      // this interaction, so the page that shows it only reads.
      const pending = step === 'enrol' ? await secondFactor.beginEnrolment(account.id) : undefined;
      await saveState(deps.getProvider(), ctx, { accountId: account.id, failures: 0, verified: false, ...(pending && { pending }) });
      ctx.status = 303;
      ctx.redirect(paths(details.uid).start);
    },

    async show(ctx: Context, details: Interaction, state: SecondFactorState, method: Method): Promise<void> {
      if (state.verified) {
        const codes = deps.sealed.take(ctx, CODES_COOKIE, codesCookie(details.uid, state.accountId));
        sendPage(ctx, 200, recoveryCodesView({
          nonce: nonceOf(ctx),
          ...(Array.isArray(codes) && { codes: codes.filter((c): c is string => typeof c === 'string') }),
          next: { kind: 'form', action: paths(details.uid).done, csrfToken: deps.csrf.tokenFor(details.uid), label: message('next.continue') },
        }));
        return;
      }
      if (await secondFactor.isEnabled(state.accountId)) return renderCodeStep(ctx, 200, details.uid, state.accountId, method);
      if (demandsMfa(details.params)) return renderEnrolment(ctx, 200, details.uid, state);
      // TOTP was turned off since the password step and nothing demands it: a password is enough.
      await finish(ctx, state.accountId, 'password');
    },

    /** A code, or a passkey's assertion with the `challenge` drawn for it (passkey.handlers.ts). */
    async verify(ctx: Context, details: Interaction, state: SecondFactorState, method: Method, code: string, challenge?: string): Promise<void> {
      if (state.verified || !(await secondFactor.isEnabled(state.accountId))) throw new AppError('interaction.expired');
      const who = await guesser(ctx, details, state.accountId);
      const result = await secondFactor.verify({ accountId: state.accountId, method, code, at: who.at, ...(challenge && { challenge }) });
      if (result.limited) {
        limited(ctx, result.retryAfterSeconds);
        return renderCodeStep(ctx, 429, details.uid, state.accountId, method, limitedMessage(result.retryAfterSeconds));
      }
      if (result.ok) {
        if (who.email) deps.devices.secondFactorVerified(ctx, who.email);
        return finish(ctx, state.accountId, 'mfa', result.amr);
      }
      const error = new AppError(result.wrongProof);
      await failed(ctx, details, state, (message) => renderCodeStep(ctx, error.status, details.uid, state.accountId, method, message), error.publicMessage);
    },

    /** "Set up authenticator app" inside a sign-in: a new seed kept in this interaction, then shown. */
    async startEnrolment(ctx: Context, details: Interaction, state: SecondFactorState): Promise<void> {
      if (state.verified || (await secondFactor.isEnabled(state.accountId)) || !demandsMfa(details.params)) throw new AppError('interaction.expired');
      await requireEnrolable(details, state);
      await saveState(deps.getProvider(), ctx, { ...state, pending: await secondFactor.beginEnrolment(state.accountId) });
      ctx.status = 303;
      ctx.redirect(paths(details.uid).start);
    },

    async enrol(ctx: Context, details: Interaction, state: SecondFactorState, code: string): Promise<void> {
      if (state.verified || !state.pending || (await secondFactor.isEnabled(state.accountId)) || !demandsMfa(details.params)) throw new AppError('interaction.expired');
      await requireEnrolable(details, state);
      // The browser's own session (a step-up) stays; every other session and every grant of the
      // account ends, this sign-in's grant included: it was made with a password only.
      const keep = typeof details.session?.cookie === 'string' ? { sessionId: details.session.cookie } : {};
      const who = await guesser(ctx, details, state.accountId);
      const result = await secondFactor.confirmEnrolment({ accountId: state.accountId, pending: state.pending, code, at: who.at, keep, during: 'sign-in' });
      if (!result.limited && result.codes && who.email) deps.devices.secondFactorVerified(ctx, who.email);
      // Revoking a grant deletes what was stored under it, this interaction included: it is
      // stored again without the grant, and the sign-in goes on to a fresh one.
      if (!result.limited && result.codes && details.grantId) {
        delete details.grantId;
        await details.persist();
      }
      if (result.limited) {
        limited(ctx, result.retryAfterSeconds);
        return renderEnrolment(ctx, 429, details.uid, state, limitedMessage(result.retryAfterSeconds));
      }
      const { codes } = result;
      if (!codes) {
        const error = new AppError('mfa.invalid_code');
        return failed(ctx, details, state, (message) => renderEnrolment(ctx, 400, details.uid, state, message), error.publicMessage);
      }
      deps.sealed.put(ctx, CODES_COOKIE, codes, { ...codesCookie(details.uid, state.accountId), maxAgeMs: 10 * 60 * 1000 });
      const { pending: _used, ...rest } = state;
      await saveState(deps.getProvider(), ctx, { ...rest, verified: true });
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

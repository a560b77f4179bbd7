/**
 * The sign-in's "check your email" step (state: email-step.state.ts; service:
 * accounts/email-verification.service.ts):
 * - after a registration, always (a new address and a taken one look the same, SECURITY.md A2);
 * - after a password (or a passkey alone, interaction.routes.ts), whenever the account's address
 *   is unverified, whatever the client: a message is sent, then the same step. A password alone never signs in to an address nobody
 *   has confirmed: whoever registered someone else's address, or an account from before
 *   verification existed, gets no further without the mailbox (SECURITY.md A2, A6);
 * - for a session signed in before, whatever the client, when that is why the provider prompts
 *   (oidc/mfa-policy.ts `email_unverified`): the page offers to
 *   send the code (a GET sends nothing).
 * A right code, or the message's link opened in this browser, confirms the address and the
 * sign-in goes on to its second step or finishes. A wrong code re-renders the step; after
 * MAX_CODE_FAILURES in one interaction the attempt ends with access_denied. The link opened
 * anywhere else confirms the address and says so (the interaction stays in its own browser).
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { AppError } from '../http/app-error.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import { limitedMessage } from '../http/limited-message.js';
import { message } from '../messages/message.js';
import { requestMeta } from '../audit/audit.service.js';
import type { SecondStep } from '../accounts/sign-in.service.js';
import type { EmailSubject, EmailVerificationService } from '../accounts/email-verification.service.js';
import type { UsersService } from '../accounts/users.service.js';
import type { CheckAt } from '../limits/guarded-check.js';
import { ACR, AMR } from '../oidc/acr.js';
import { checkEmailView, emailConfirmedView, emailLinkView } from '../views/check-email.view.js';
import type { Csrf } from './csrf.js';
import type { DeviceCookies } from './device-cookie.js';
import { saveEmailStep, type EmailStepState } from './email-step.state.js';
import { MAX_CODE_FAILURES } from './second-factor.handlers.js';
import { interactionPaths as paths } from './paths.js';

export interface EmailStepDeps {
  getProvider(): Provider;
  issuer: string;
  csrf: Csrf;
  emailVerification: EmailVerificationService;
  users: Pick<UsersService, 'findById'>;
  /** The sign-in's device cookies: a registration marks its browser once the address is confirmed there. */
  devices: DeviceCookies;
}

type AfterPassword = (ctx: Context, details: Interaction, account: { id: string; email: string }, step: SecondStep) => Promise<void>;

export function createEmailStepHandlers(deps: EmailStepDeps, afterPassword: AfterPassword) {
  const linkFor = (uid: string) => (token: string) => `${deps.issuer}${paths(uid).emailLink}?${new URLSearchParams({ token })}`;
  const at = (ctx: Context, details: Interaction): CheckAt => ({ ip: ctx.ip, meta: requestMeta(ctx), clientId: typeof details.params.client_id === 'string' ? details.params.client_id : null });
  const seeOther = (ctx: Context, uid: string) => {
    ctx.status = 303;
    ctx.redirect(paths(uid).start);
  };

  /** The step's subject, with the address read for a session's step. */
  const subjectOf = async (state: EmailStepState): Promise<EmailSubject & { email: string }> => {
    if (state.email !== undefined) return { accountId: state.accountId, email: state.email };
    const account = state.accountId ? await deps.users.findById(state.accountId) : undefined;
    if (!account) throw new AppError('interaction.expired');
    return { accountId: account.id, email: account.email };
  };

  const render = async (ctx: Context, status: number, details: Interaction, state: EmailStepState, extra: { notice?: string; error?: string } = {}) => {
    const { email } = await subjectOf(state);
    const p = paths(details.uid);
    sendPage(ctx, status, checkEmailView({ nonce: nonceOf(ctx), csrfToken: deps.csrf.tokenFor(details.uid), email, action: p.emailCode, resendAction: p.emailResend, unsent: !state.sent, ...extra }));
  };

  /** The address is confirmed: the sign-in goes on as it would have without this step. */
  async function proceed(ctx: Context, details: Interaction, state: EmailStepState, accountId: string): Promise<void> {
    if (state.next === 'resume') {
      const login = { accountId, acr: details.session?.acr ?? ACR.password, amr: details.session?.amr ?? [...AMR.password], remember: false };
      await deps.getProvider().interactionFinished(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return;
    }
    const { email } = await subjectOf(state);
    // This browser proved the password (or registered it) and now the address: a known device (A14).
    deps.devices.issue(ctx, email);
    await afterPassword(ctx, details, { id: accountId, email }, state.next);
  }

  return {
    linkFor,

    /** After a registration: the step, whichever address it was. */
    async afterRegistration(ctx: Context, details: Interaction, subject: EmailSubject, next: SecondStep): Promise<void> {
      await saveEmailStep(deps.getProvider(), ctx, { accountId: subject.accountId, email: subject.email, failures: 0, next, sent: true });
      seeOther(ctx, details.uid);
    },

    /**
     * After a verified password: the step when the account's address is unverified, for every
     * client (a message is sent now, in this POST); otherwise false, and the caller goes on.
     */
    async afterPassword(ctx: Context, details: Interaction, account: { id: string; email: string; emailVerified: boolean }, next: SecondStep): Promise<boolean> {
      if (account.emailVerified) return false;
      const state: EmailStepState = { accountId: account.id, email: account.email, failures: 0, next, sent: false };
      const sent = await deps.emailVerification.send({ accountId: account.id, email: account.email }, linkFor(details.uid), 'unverified_sign_in', { ...at(ctx, details), interaction: details.uid });
      await saveEmailStep(deps.getProvider(), ctx, { ...state, sent: !sent.limited });
      seeOther(ctx, details.uid);
      return true;
    },

    show: (ctx: Context, details: Interaction, state: EmailStepState) => render(ctx, 200, details, state),

    async verifyCode(ctx: Context, details: Interaction, state: EmailStepState, code: string): Promise<void> {
      const subject = await subjectOf(state);
      const result = await deps.emailVerification.verifyCode(subject, code, at(ctx, details));
      if (result.limited) {
        ctx.set('Retry-After', String(result.retryAfterSeconds));
        return render(ctx, 429, details, state, { error: limitedMessage(result.retryAfterSeconds) });
      }
      if (result.ok && subject.accountId) return proceed(ctx, details, state, subject.accountId);
      const failures = state.failures + 1;
      if (failures >= MAX_CODE_FAILURES) {
        await deps.getProvider().interactionFinished(ctx.req, ctx.res, { error: 'access_denied', error_description: message('signin.too_many_wrong_codes') }, { mergeWithLastSubmission: false });
        ctx.respond = false;
        return;
      }
      await saveEmailStep(deps.getProvider(), ctx, { ...state, failures });
      const error = new AppError('email.invalid_code');
      await render(ctx, error.status, details, state, { error: error.publicMessage });
    },

    async resend(ctx: Context, details: Interaction, state: EmailStepState): Promise<void> {
      const subject = await subjectOf(state);
      const result = await deps.emailVerification.send(subject, linkFor(details.uid), 'resend', { ...at(ctx, details), interaction: details.uid });
      if (result.limited) {
        ctx.set('Retry-After', String(result.retryAfterSeconds));
        return render(ctx, 429, details, state, { error: limitedMessage(result.retryAfterSeconds) });
      }
      const sent = { ...state, sent: true };
      await saveEmailStep(deps.getProvider(), ctx, sent);
      await render(ctx, 200, details, sent, { notice: message('view.check_email.resent') });
    },

    /** GET of the message's link: a button that confirms (a POST), in whichever browser. */
    showLink(ctx: Context, uid: string, token: string): void {
      sendPage(ctx, 200, emailLinkView({ nonce: nonceOf(ctx), csrfToken: deps.csrf.tokenFor(uid), action: paths(uid).emailLink, token }));
    },

    /**
     * The link's POST: confirms the address; the sign-in goes on when this browser holds the
     * interaction that sent it, for that account; anywhere else the page says it is confirmed.
     */
    async useLink(ctx: Context, uid: string, token: string, details: Interaction | undefined, state: EmailStepState | undefined): Promise<void> {
      const accountId = await deps.emailVerification.verifyLink(token, details ? at(ctx, details) : { ip: ctx.ip, meta: requestMeta(ctx), clientId: null });
      if (accountId && details && state && state.accountId === accountId) return proceed(ctx, details, state, accountId);
      sendPage(ctx, accountId ? 200 : 400, emailConfirmedView({ nonce: nonceOf(ctx), confirmed: accountId !== undefined }));
    },
  };
}

export type EmailStepHandlers = ReturnType<typeof createEmailStepHandlers>;

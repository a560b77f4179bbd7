/**
 * The first step of a sign-in, a password or a registration, with its rules, limits and audit
 * events in one place (routes parse, call this, render):
 * - a password goes through the guarded sign-in (guarded-sign-in.ts: limits first, `lockout`
 *   events); each attempt then writes one `signin` event, the failure with its reason (only the
 *   audit log tells the reasons apart, SECURITY.md A2) and the email only when it is one;
 * - a registration goes through the registration service (registration.service.ts: its limits,
 *   its `account.registered` event, and the same answer for a new address and a taken one);
 * - both answer which second step follows: `code` when the account has a second factor, `enrol`
 *   when the client demands MFA (acr_values) and it has none, `none` otherwise.
 */
import type { Account } from '@portcullis/db';
import type { AuditService } from '../audit/audit.service.js';
import type { CheckAt, Guarded } from '../limits/guarded-check.js';
import type { EmailSubject } from './email-verification.service.js';
import type { RegistrationLinks, RegistrationService } from './registration.service.js';
import { loggableEmail } from './email.js';
import type { GuardedSignIn } from './guarded-sign-in.js';

/** After a verified password: nothing more, a code, or setting a second factor up first. */
export type SecondStep = 'none' | 'code' | 'enrol';

export type PasswordStep = Guarded<{ ok: false } | { ok: true; account: Account; step: SecondStep }>;

export interface SignInService {
  password(input: { email: string; password: string; at: CheckAt; demandsMfa: boolean }): Promise<PasswordStep>;
  /**
   * Throws the `password.*` error of a refused password. `subject.accountId` is null when the
   * address was taken (only the "check your email" step follows, which looks the same).
   */
  register(input: { email: string; password: string; name: string | null; at: CheckAt; demandsMfa: boolean; links: RegistrationLinks }): Promise<Guarded<{ subject: EmailSubject; step: SecondStep }>>;
}

export function createSignInService(deps: {
  guarded: GuardedSignIn;
  registration: RegistrationService;
  audit: AuditService;
  /** Whether the account has a second factor set up (mfa/factors). */
  secondStepDue(accountId: string): Promise<boolean>;
}): SignInService {
  const stepFor = async (accountId: string, demandsMfa: boolean): Promise<SecondStep> => {
    if (await deps.secondStepDue(accountId)) return 'code';
    return demandsMfa ? 'enrol' : 'none';
  };
  return {
    async password({ email, password, at, demandsMfa }) {
      const checked = await deps.guarded.check(email, password, at);
      if (checked.limited) return checked;
      const { result } = checked;
      if (!result.ok) {
        const detail = { reason: result.reason, ...loggableEmail(email, result.accountId) };
        await deps.audit.record({ type: 'signin', outcome: 'failure', accountId: result.accountId ?? null, clientId: at.clientId, detail }, at.meta);
        return { limited: false, ok: false };
      }
      const step = await stepFor(result.account.id, demandsMfa);
      await deps.audit.record({ type: 'signin', accountId: result.account.id, clientId: at.clientId, detail: { mfa_required: step !== 'none' } }, at.meta);
      return { limited: false, ok: true, account: result.account, step };
    },

    async register({ email, password, name, at, demandsMfa, links }) {
      const registered = await deps.registration.register({ email, password, name, at, links });
      if (registered.limited) return registered;
      // A new account has no second factor; a taken address never gets past the email step.
      return { limited: false, subject: registered.subject, step: demandsMfa ? 'enrol' : 'none' };
    },
  };
}

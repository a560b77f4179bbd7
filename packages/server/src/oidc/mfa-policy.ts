/**
 * The provider's interaction policy (docs/README.md "interactions.policy"): the library's login
 * and consent prompts, plus one check on the login prompt, `mfa_required`, which asks for sign-in
 * again when a signed-in session lacks the second factor it needs:
 * - the account has a second factor set up (turned on after this session signed in with a
 *   password), or
 * - the client demands MFA through acr_values (step-up).
 * A session already at `urn:portcullis:acr:mfa` passes. With no session the library's
 * `no_session` check prompts anyway. Our login route then asks only for the code when this is
 * the sole reason (interactions/second-factor.state.ts).
 */
import { interactionPolicy } from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { ACR, demandsMfa } from './acr.js';

export const MFA_REQUIRED = 'mfa_required';
/**
 * The session's account has no verified email address, whatever the client (an account set back
 * to unconfirmed after it signed in, SECURITY.md A6): the sign-in asks for the code from a
 * message first (interactions/email-step.state.ts).
 */
export const EMAIL_UNVERIFIED = 'email_unverified';

export function buildInteractionPolicy(deps: { secondStepDue(accountId: string): Promise<boolean>; emailVerified?: (accountId: string) => Promise<boolean> }) {
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  policy.get('login')!.checks.add(
    new Check(MFA_REQUIRED, 'multi-factor authentication is required', 'login_required', async (ctx: KoaContextWithOIDC) => {
      const { session, params } = ctx.oidc;
      if (!session?.accountId || session.acr === ACR.mfa) return Check.NO_NEED_TO_PROMPT;
      if (demandsMfa(params)) return Check.REQUEST_PROMPT;
      return (await deps.secondStepDue(session.accountId)) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );
  const { emailVerified } = deps;
  if (emailVerified) {
    policy.get('login')!.checks.add(
      new Check(EMAIL_UNVERIFIED, 'a verified email address is required', 'login_required', async (ctx: KoaContextWithOIDC) => {
        const { session } = ctx.oidc;
        if (!session?.accountId) return Check.NO_NEED_TO_PROMPT;
        return (await emailVerified(session.accountId)) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
      }),
    );
  }
  return policy;
}

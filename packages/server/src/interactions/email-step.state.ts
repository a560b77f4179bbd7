/**
 * "Check your email" inside a sign-in: kept, like the second factor's state, as one key of the
 * provider Interaction's `result` (second-factor.state.ts says why), so it dies with the
 * interaction and no browser can read or change it.
 * Who the step is for:
 * - the account this interaction just registered or signed in with a password or a passkey,
 *   whose address is unconfirmed; or nobody (`accountId` null): a registration with an address
 *   that already has an account, whose page must look exactly the same (SECURITY.md A2);
 * - a session signed in before, when the provider prompts only because its account's address is
 *   unconfirmed, for any client (`email_unverified`, oidc/mfa-policy.ts), perhaps with
 *   `mfa_required` too.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { z } from 'zod';
import { EMAIL_UNVERIFIED, MFA_REQUIRED } from '../oidc/mfa-policy.js';

export const EMAIL_STEP_KEY = 'portcullis_email_step';

const stateSchema = z.object({
  accountId: z.string().min(1).nullable(),
  /** The address the messages go to; unset for a session's step until the account is read. */
  email: z.string().max(320).optional(),
  /** Wrong codes in this interaction; at MAX_CODE_FAILURES the sign-in attempt ends. */
  failures: z.number().int().min(0),
  /** What follows a confirmed address: the second step of the sign-in, or (`resume`) the session as it was. */
  next: z.enum(['none', 'code', 'enrol', 'resume']),
  /** A message was sent in this interaction. */
  sent: z.boolean(),
});

export type EmailStepState = z.infer<typeof stateSchema>;

export function readEmailStep(details: Interaction): EmailStepState | undefined {
  const parsed = stateSchema.safeParse(details.result?.[EMAIL_STEP_KEY]);
  return parsed.success ? parsed.data : undefined;
}

export async function saveEmailStep(provider: Provider, ctx: Context, state: EmailStepState): Promise<void> {
  await provider.interactionResult(ctx.req, ctx.res, { [EMAIL_STEP_KEY]: state }, { mergeWithLastSubmission: false });
}

/** The email step due in this interaction, or undefined. */
export function emailStepOf(details: Interaction): EmailStepState | undefined {
  if (details.prompt.name !== 'login') return undefined;
  const state = readEmailStep(details);
  if (state) return state;
  const accountId = details.session?.accountId;
  const reasons = details.prompt.reasons;
  if (!accountId || !reasons.includes(EMAIL_UNVERIFIED) || !reasons.every((reason) => reason === EMAIL_UNVERIFIED || reason === MFA_REQUIRED)) return undefined;
  return { accountId, failures: 0, next: reasons.includes(MFA_REQUIRED) ? 'code' : 'resume', sent: false };
}

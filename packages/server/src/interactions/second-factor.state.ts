/**
 * "Password verified, second factor pending" lives inside the provider's Interaction, as one
 * key of its `result` (saved with `provider.interactionResult`, which stores it without
 * resuming the authorization): no second session store, and it dies with the interaction
 * (10 minutes). The login is finished only once a code verifies; until then the provider's
 * session has no account.
 * Who the second step is for:
 * - the account whose password this interaction verified (the state), or
 * - a session already signed in with a password only, when the only reason the provider
 *   prompts is `mfa_required` (TOTP turned on since, or a client's step-up): that person is
 *   asked for the code, not the password again. `prompt=login` and `max_age` add their own
 *   reasons and get a full sign-in.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { z } from 'zod';
import { MFA_REQUIRED } from '../oidc/mfa-policy.js';

export const STATE_KEY = 'portcullis_second_factor';

const stateSchema = z.object({
  accountId: z.string().min(1),
  /** Wrong codes in this interaction; at MAX_CODE_FAILURES the sign-in attempt ends. */
  failures: z.number().int().min(0),
  /** Set once an enrolment inside the sign-in verified; the recovery codes page comes next. */
  verified: z.boolean(),
  /**
   * The seed of an enrolment started in this interaction, sealed (mfa.service.ts): it belongs to
   * this interaction alone and is shown to no other flow (SECURITY.md A15).
   */
  pending: z.string().max(1024).optional(),
  /**
   * The challenge drawn for a passkey in this step (passkey.handlers.ts), with when it stops
   * counting (ms since the epoch): taken out before the assertion is checked, so it serves once.
   */
  challenge: z.object({ value: z.string().max(128), expiresAt: z.number() }).optional(),
});

export type SecondFactorState = z.infer<typeof stateSchema>;

export function readState(details: Interaction): SecondFactorState | undefined {
  const parsed = stateSchema.safeParse(details.result?.[STATE_KEY]);
  return parsed.success ? parsed.data : undefined;
}

/** Replaces the interaction's result with `state` (or clears it). */
export async function saveState(provider: Provider, ctx: Context, state: SecondFactorState | undefined): Promise<void> {
  await provider.interactionResult(ctx.req, ctx.res, state ? { [STATE_KEY]: state } : {}, { mergeWithLastSubmission: false });
}

/** The state of the second step in this interaction, or undefined when none is due. */
export function secondFactorOf(details: Interaction): SecondFactorState | undefined {
  if (details.prompt.name !== 'login') return undefined;
  const state = readState(details);
  if (state) return state;
  const accountId = details.session?.accountId;
  const reasons = details.prompt.reasons;
  if (accountId && reasons.length > 0 && reasons.every((reason) => reason === MFA_REQUIRED)) return { accountId, failures: 0, verified: false };
  return undefined;
}

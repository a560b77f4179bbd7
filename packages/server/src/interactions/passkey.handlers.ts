/**
 * Passkeys inside the sign-in interaction (the page script is views/assets/passkeys.js):
 * - A sign-in with a passkey alone, from the sign-in page: `POST …/passkey/options` draws a
 *   challenge, keeps it in this interaction's result (never where another flow reads it,
 *   SECURITY.md A15) for at most CEREMONY_MS, and answers the ceremony's options as JSON; the
 *   page then posts the assertion to `POST …/passkey`. The challenge is taken out of the
 *   interaction before the assertion is checked, so it serves once. A verified passkey with user
 *   verification finishes the login with acr `…:mfa` and amr ["hwk","user"] (oidc/acr.ts says why).
 * - The second step after a password (`…/passkey-step/options`, `…/passkey-step`): the same, for
 *   the account's own passkeys, with the challenge in the second step's state, checked by the
 *   second-factor service like a code (second-factor.handlers.ts `verify`).
 * - A wrong assertion is a 401 on the same page with a role="alert" message, a refused one a 429
 *   with Retry-After; malformed input a 400; never a 500 (webauthn.ts turns every library
 *   failure into a refusal).
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import { requestMeta } from '../audit/audit.service.js';
import type { PasskeyService } from '../passkeys/passkey.service.js';
import { CEREMONY_MS } from '../passkeys/webauthn.js';
import type { SecondFactorService } from '../mfa/second-factor.service.js';
import { PASSKEY } from '../mfa/factors/passkey.factor.js';
import { ACR, AMR } from '../oidc/acr.js';
import { saveState, type SecondFactorState } from './second-factor.state.js';
import type { DeviceCookies } from './device-cookie.js';
import type { UsersService } from '../accounts/users.service.js';

export const PASSKEY_KEY = 'portcullis_passkey';
const pendingSchema = z.object({ value: z.string().max(128), expiresAt: z.number() });

export interface PasskeyHandlerDeps {
  getProvider(): Provider;
  passkeys: Pick<PasskeyService, 'signInOptions' | 'signIn'>;
  secondFactor: SecondFactorService;
  users: Pick<UsersService, 'findById'>;
  /** A device where a second factor verified before counts its failures on its own (A14). */
  devices: DeviceCookies;
}

/** Answers the ceremony's options as JSON, never cached. */
function sendOptions(ctx: Context, options: unknown): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.status = 200;
  ctx.body = { options };
}

const live = (pending: { value: string; expiresAt: number } | undefined) => (pending && pending.expiresAt > Date.now() ? pending.value : undefined);

export function createPasskeyHandlers(deps: PasskeyHandlerDeps) {
  const clientIdOf = (details: Interaction) => (typeof details.params.client_id === 'string' ? details.params.client_id : null);
  const store = (ctx: Context, value: Record<string, unknown>) => deps.getProvider().interactionResult(ctx.req, ctx.res, value, { mergeWithLastSubmission: false });

  return {
    /** `…/passkey/options` on the sign-in page: a challenge for any discoverable passkey. */
    async signInOptions(ctx: Context): Promise<void> {
      const { options, challenge } = await deps.passkeys.signInOptions();
      await store(ctx, { [PASSKEY_KEY]: { value: challenge, expiresAt: Date.now() + CEREMONY_MS } });
      sendOptions(ctx, options);
    },

    /**
     * `…/passkey`: the assertion of a sign-in with a passkey alone. Answers the account it
     * signed in, or how it failed for the caller to render (`limited` with its wait, or `wrong`).
     */
    async signIn(ctx: Context, details: Interaction, response: string): Promise<{ accountId: string } | { limited: number } | { wrong: AppError }> {
      const challenge = live(pendingSchema.safeParse(details.result?.[PASSKEY_KEY]).data);
      // Used up before it is checked: a second submission finds no challenge.
      await store(ctx, {});
      if (!challenge) return { wrong: new AppError('interaction.expired') };
      const at = { ip: ctx.ip, meta: requestMeta(ctx), clientId: clientIdOf(details) };
      const emailOf = async (accountId: string) => (await deps.users.findById(accountId))?.email;
      const deviceFor = async (accountId: string) => {
        const email = await emailOf(accountId);
        return email ? deps.devices.read(ctx, email, 'code') : undefined;
      };
      const result = await deps.passkeys.signIn({ challenge, response, at, deviceFor });
      if (result.limited) return { limited: result.retryAfterSeconds };
      if (!result.accountId) return { wrong: new AppError('mfa.invalid_passkey') };
      // This browser proved a second factor for the account: its later failures count on their own.
      const email = await emailOf(result.accountId);
      if (email) deps.devices.secondFactorVerified(ctx, email);
      return { accountId: result.accountId };
    },

    /** Finishes the login of a passkey with user verification: two factors in one (oidc/acr.ts). */
    async finish(ctx: Context, accountId: string): Promise<void> {
      const login = { accountId, acr: ACR.mfa, amr: [...AMR.passkey], remember: false };
      await deps.getProvider().interactionFinished(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false });
      ctx.respond = false;
    },

    /** `…/passkey-step/options` in the second step: a challenge for the account's own passkeys, kept in the step's state. */
    async stepOptions(ctx: Context, state: SecondFactorState): Promise<void> {
      const drawn = await deps.secondFactor.challenge({ accountId: state.accountId, method: PASSKEY });
      if (!drawn) throw new AppError('interaction.expired');
      await saveState(deps.getProvider(), ctx, { ...state, challenge: { value: drawn.challenge, expiresAt: Date.now() + CEREMONY_MS } });
      sendOptions(ctx, drawn.options);
    },

    /** Takes the second step's challenge out of its state (saved without it) before the assertion is checked. */
    async takeStepChallenge(ctx: Context, state: SecondFactorState): Promise<{ state: SecondFactorState; challenge?: string }> {
      const { challenge: pending, ...rest } = state;
      if (pending) await saveState(deps.getProvider(), ctx, rest);
      const value = live(pending);
      return { state: rest, ...(value && { challenge: value }) };
    },
  };
}

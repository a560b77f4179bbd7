/**
 * Every second factor, registered once. Order matters where a proof could be of several kinds:
 * turning the second factor off tries each factor that `turnsOff`, in this order.
 * A new factor is one new file beside these and one line here.
 */
import type { Factor } from './factor.js';
import type { MfaService } from '../mfa.service.js';
import { createTotpFactor } from './totp.factor.js';
import { createRecoveryCodeFactor } from './recovery-code.factor.js';
import { createPasskeyFactor } from './passkey.factor.js';
import type { PasskeyCredentials } from '../../passkeys/passkey-credentials.js';

export type { Factor } from './factor.js';

/** What the registered factors need, together (each factor picks its own part). */
export interface FactorDeps {
  mfa: MfaService;
  passkeys: PasskeyCredentials;
}

/** Whether `accountId` has a second-step factor set up, so every sign-in owes the second step. */
export async function secondStepDue(factors: readonly Factor[], accountId: string): Promise<boolean> {
  for (const f of factors) if (f.secondStep && f.enrolled && (await f.enrolled(accountId))) return true;
  return false;
}

export function createFactors(deps: FactorDeps): readonly Factor[] {
  return [
    createTotpFactor(deps),
    createRecoveryCodeFactor(deps),
    createPasskeyFactor(deps),
  ];
}

/**
 * A code from an authenticator app (RFC 6238). Each time step is accepted once
 * (mfa.service.ts, one conditional UPDATE; SECURITY.md A5).
 */
import type { MfaService } from '../mfa.service.js';
import type { Factor } from './factor.js';

export const TOTP = 'totp';

export function createTotpFactor(deps: { mfa: Pick<MfaService, 'verifyTotp' | 'isEnabled'> }): Factor {
  return {
    id: TOTP,
    amr: ['otp'],
    secondStep: true,
    turnsOff: true,
    wrongProof: 'mfa.invalid_code',
    enrolled: (accountId) => deps.mfa.isEnabled(accountId),
    verify: (accountId, code) => deps.mfa.verifyTotp(accountId, code),
  };
}

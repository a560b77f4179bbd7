/**
 * One of the account's recovery codes, for when the authenticator app is lost. Each code works
 * once (mfa.service.ts consumes it in one conditional UPDATE). It counts as a one-time code.
 */
import type { MfaService } from '../mfa.service.js';
import type { Factor } from './factor.js';

const RECOVERY_CODE = 'recovery_code';

export function createRecoveryCodeFactor(deps: { mfa: Pick<MfaService, 'verifyRecoveryCode'> }): Factor {
  return {
    id: RECOVERY_CODE,
    amr: ['otp'],
    secondStep: true,
    turnsOff: true,
    wrongProof: 'mfa.invalid_recovery_code',
    verify: (accountId, code) => deps.mfa.verifyRecoveryCode(accountId, code),
  };
}

/**
 * A passkey as the second step after a password: an assertion of one of the account's own
 * passkeys answering a challenge drawn for this step (passkeys/passkey-credentials.ts). User
 * presence is enough here, the password being the other factor; each assertion is accepted once.
 * amr (RFC 8176 §2): `hwk`, proof of possession of a hardware-secured key, and `user`, a test of
 * user presence, which every assertion carries (the UP flag, WebAuthn §6.1).
 * It cannot turn the authenticator app off: the app's "Turn off" takes a typed code.
 */
import type { PasskeyCredentials } from '../../passkeys/passkey-credentials.js';
import type { Factor } from './factor.js';
import { AMR } from '../../oidc/acr.js';

export const PASSKEY = 'passkey';

export function createPasskeyFactor(deps: { passkeys: PasskeyCredentials }): Factor {
  const { passkeys } = deps;
  return {
    id: PASSKEY,
    amr: AMR.passkey,
    secondStep: true,
    turnsOff: false,
    wrongProof: 'mfa.invalid_passkey',
    enrolled: async (accountId) => (await passkeys.count(accountId)) > 0,
    challenge: (accountId) => passkeys.assertionOptions(accountId),
    verify: async (accountId, proof, challenge) =>
      challenge !== undefined && (await passkeys.accept({ response: proof, challenge, requireUserVerification: false, accountId })) === accountId,
  };
}

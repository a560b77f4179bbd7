/**
 * The account's passkeys as credentials: how many there are, the options of an assertion
 * ceremony, and accepting one assertion. Shared by the second-step factor
 * (mfa/factors/passkey.factor.ts) and the passkey service, and built before either from the
 * repository and the relying party alone. It applies no limits and writes no events: its callers do.
 * - An assertion is accepted only for the passkey it names, of the expected account when one is
 *   expected (a credential of another account proves nothing here), verified by webauthn.ts, and
 *   then used up by the repository's conditional UPDATE (the same challenge never twice).
 */
import type { PasskeyRepository } from '@portcullis/db';
import { assertionCredentialId, type RelyingParty } from './webauthn.js';

export interface PasskeyCredentials {
  count(accountId: string): Promise<number>;
  /** Options for an assertion: of `accountId`'s own passkeys (undefined when it has none), or of any (no account). */
  assertionOptions(accountId?: string): Promise<{ options: unknown; challenge: string } | undefined>;
  /** The id of the account that owns the passkey `response` names, if it is known. */
  ownerOf(response: string): Promise<string | undefined>;
  /** Accepts one assertion for `challenge`; the passkey's account when it verified (and is `accountId`'s, when given). */
  accept(input: { response: string; challenge: string; requireUserVerification: boolean; accountId?: string }): Promise<string | undefined>;
}

export function createPasskeyCredentials(deps: { repository: PasskeyRepository; rp: RelyingParty }): PasskeyCredentials {
  const { repository, rp } = deps;
  return {
    count: (accountId) => repository.countForAccount(accountId),

    async assertionOptions(accountId) {
      if (accountId === undefined) return rp.authenticationOptions();
      const own = await repository.listForAccount(accountId);
      return own.length > 0 ? rp.authenticationOptions(own) : undefined;
    },

    async ownerOf(response) {
      const id = assertionCredentialId(response);
      return id ? (await repository.findById(id))?.accountId : undefined;
    },

    async accept({ response, challenge, requireUserVerification, accountId }) {
      const id = assertionCredentialId(response);
      const passkey = id ? await repository.findById(id) : undefined;
      if (!passkey || (accountId !== undefined && passkey.accountId !== accountId)) return undefined;
      const verified = await rp.verifyAssertion(response, challenge, passkey, requireUserVerification);
      if (!verified || !(await repository.recordUse(passkey.id, challenge, verified.newCounter))) return undefined;
      return passkey.accountId;
    },
  };
}

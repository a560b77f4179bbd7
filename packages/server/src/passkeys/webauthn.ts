/**
 * The WebAuthn relying party (W3C Web Authentication Level 3), through @simplewebauthn/server:
 * options for the browser's ceremonies and verification of what the authenticator answered.
 * - The RP ID is the issuer's host and the only accepted origin the issuer's origin (§5.1.4.1,
 *   §7.1 step 9): an assertion made for another site or origin never verifies.
 * - Challenges are 32 random bytes drawn here (§13.4.3), passed to the library as bytes so the
 *   options carry them base64url-encoded once, exactly as the client data returns them; the caller keeps each in the flow that
 *   asked for it (the interaction, or the account page's sealed state) and hands it back once.
 * - Registration asks for a discoverable credential and user verification, so every passkey
 *   can sign in without a password; attestation is not requested ("none"): we trust no
 *   authenticator vendor list, and the person chooses their own authenticator.
 * - Whatever the browser sends is untrusted: it is parsed with zod, and any failure of the
 *   library (malformed data, a bad signature, a wrong challenge, origin or RP ID) is an answer of
 *   `undefined`, never an exception, so a bad response is a 4xx for the caller.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';

/**
 * The public-key algorithms accepted for a new passkey: EdDSA, ES256 and RS256 (COSE -8, -7,
 * -257), what authenticators implement. Named here rather than left to the library, whose
 * default follows the runtime (an experimental post-quantum algorithm on newer Node releases).
 */
const ALGORITHMS = [-8, -7, -257];

/** How long a ceremony may take in the browser; a challenge is kept no longer than this. */
export const CEREMONY_MS = 5 * 60 * 1000;

const b64url = z.string().min(1).max(4096).regex(/^[A-Za-z0-9_-]+$/);
const transports = z.array(z.string().max(32)).max(10).optional();
const registrationSchema = z.object({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  response: z.object({ clientDataJSON: b64url, attestationObject: z.string().min(1).max(16384).regex(/^[A-Za-z0-9_-]+$/), transports }).passthrough(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(32).optional(),
}).passthrough();
const assertionSchema = z.object({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  response: z.object({ clientDataJSON: b64url, authenticatorData: b64url, signature: b64url, userHandle: b64url.optional() }).passthrough(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(32).optional(),
}).passthrough();

/** A passkey as the relying party needs it to check an assertion. */
export interface StoredCredential {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

export interface NewCredential extends StoredCredential {
  aaguid: string;
}

export interface VerifiedAssertion {
  credentialId: string;
  newCounter: number;
  userVerified: boolean;
}

const TRANSPORTS: readonly string[] = ['ble', 'hybrid', 'internal', 'nfc', 'usb'] satisfies AuthenticatorTransport[];
/** The stored transports the library knows (WebAuthn §5.8.4); anything else is dropped. */
const known = (list: readonly string[]): AuthenticatorTransport[] => list.filter((t): t is AuthenticatorTransport => TRANSPORTS.includes(t));

/** Parses the JSON the page posted; undefined when it is not JSON or not the expected shape. */
function parseJson<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The credential id an assertion names (to find its passkey), when it parses at all. */
export function assertionCredentialId(responseJson: string): string | undefined {
  return parseJson(assertionSchema, responseJson)?.id;
}

export function createRelyingParty(options: { issuer: string }) {
  const issuer = new URL(options.issuer);
  const rpID = issuer.hostname;
  const origin = issuer.origin;
  const challenge = () => randomBytes(32);

  return {
    rpID,
    origin,

    /** Options for `navigator.credentials.create`; `existing` are excluded so one authenticator registers once. */
    async registrationOptions(input: { rpName: string; accountId: string; email: string; existing: readonly StoredCredential[] }): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; challenge: string }> {
      const drawn = challenge();
      const created = await generateRegistrationOptions({
        supportedAlgorithmIDs: ALGORITHMS,
        rpName: input.rpName,
        rpID,
        userName: input.email,
        userDisplayName: input.email,
        // The user handle is the account id: a discoverable credential hands it back at sign-in.
        userID: new TextEncoder().encode(input.accountId),
        challenge: drawn,
        timeout: CEREMONY_MS,
        attestationType: 'none',
        excludeCredentials: input.existing.map((c) => ({ id: c.id, transports: known(c.transports) })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      return { options: created, challenge: created.challenge };
    },

    /** The new credential when `responseJson` answers `expectedChallenge` for this site with user verification. */
    async verifyRegistration(responseJson: string, expectedChallenge: string): Promise<NewCredential | undefined> {
      const response = parseJson(registrationSchema, responseJson);
      if (!response) return undefined;
      try {
        const result = await verifyRegistrationResponse({ response: response as unknown as RegistrationResponseJSON, expectedChallenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true, supportedAlgorithmIDs: ALGORITHMS });
        if (!result.verified) return undefined;
        const { credential, aaguid } = result.registrationInfo;
        return { id: credential.id, publicKey: Buffer.from(credential.publicKey).toString('base64url'), counter: credential.counter, transports: credential.transports ?? response.response.transports ?? [], aaguid };
      } catch {
        return undefined;
      }
    },

    /**
     * Options for `navigator.credentials.get`: with `allow` (the second step, the account is known)
     * only its passkeys; without (a sign-in with a passkey alone) any discoverable credential.
     */
    async authenticationOptions(allow?: readonly StoredCredential[]): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challenge: string }> {
      const drawn = challenge();
      const created = await generateAuthenticationOptions({
        rpID,
        challenge: drawn,
        timeout: CEREMONY_MS,
        userVerification: allow ? 'preferred' : 'required',
        ...(allow && { allowCredentials: allow.map((c) => ({ id: c.id, transports: known(c.transports) })) }),
      });
      return { options: created, challenge: created.challenge };
    },

    /**
     * Checks an assertion of `credential` for `expectedChallenge`, this origin and RP ID;
     * `requireUserVerification` for a sign-in with the passkey alone (the UV flag, §6.1).
     */
    async verifyAssertion(responseJson: string, expectedChallenge: string, credential: StoredCredential, requireUserVerification: boolean): Promise<VerifiedAssertion | undefined> {
      const response = parseJson(assertionSchema, responseJson);
      if (!response || response.id !== credential.id) return undefined;
      try {
        const result = await verifyAuthenticationResponse({
          response: response as unknown as AuthenticationResponseJSON,
          expectedChallenge,
          expectedOrigin: origin,
          expectedRPID: rpID,
          credential: { id: credential.id, publicKey: Buffer.from(credential.publicKey, 'base64url'), counter: credential.counter, transports: known(credential.transports) },
          requireUserVerification,
        });
        if (!result.verified) return undefined;
        return { credentialId: result.authenticationInfo.credentialID, newCounter: result.authenticationInfo.newCounter, userVerified: result.authenticationInfo.userVerified };
      } catch {
        return undefined;
      }
    },
  };
}

export type RelyingParty = ReturnType<typeof createRelyingParty>;

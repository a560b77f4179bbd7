/**
 * A software WebAuthn authenticator for tests: makes registration and assertion responses the
 * way a real one does (W3C WebAuthn Level 3 §6.1 authenticator data, §6.5 attestation "none",
 * ES256 signatures over authenticatorData ‖ SHA-256(clientDataJSON)), so server-side checks can
 * be tested with every field under the test's control: origin, RP ID, challenge, flags, counter.
 * Browser tests use Chromium's virtual authenticator instead.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (bytes: Uint8Array | Buffer | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

export interface AssertOptions {
  challenge: string;
  origin: string;
  rpId: string;
  /** The UV flag (user verified); the UP flag is always set. */
  userVerified?: boolean;
  /** The signature counter to report; by default one more each time. */
  counter?: number;
  type?: string;
}

export interface SoftCredential {
  id: string;
  /** The COSE public key, base64url, as the repository stores it. */
  publicKey: string;
  userHandle: string;
  register(options: Omit<AssertOptions, 'counter'>): string;
  assert(options: AssertOptions): string;
}

export function createSoftCredential(userHandle: string): SoftCredential {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
  const rawId = randomBytes(16);
  const id = b64url(rawId);
  let counter = 0;

  const flags = (userVerified: boolean, attested: boolean) => 0x01 | (userVerified ? 0x04 : 0) | (attested ? 0x40 : 0);
  const counterBytes = (value: number) => {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(value);
    return out;
  };
  const clientData = (type: string, o: { challenge: string; origin: string }) => Buffer.from(JSON.stringify({ type, challenge: o.challenge, origin: o.origin, crossOrigin: false }));
  const signWith = (key: KeyObject, authData: Buffer, clientDataJSON: Buffer) => sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), key);

  return {
    id,
    publicKey: b64url(cose),
    userHandle,

    register(o) {
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(rawId.length);
      const authData = Buffer.concat([sha256(o.rpId), Buffer.from([flags(o.userVerified ?? true, true)]), counterBytes(0), Buffer.alloc(16), idLength, rawId, Buffer.from(cose)]);
      const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never);
      return JSON.stringify({
        id,
        rawId: id,
        type: 'public-key',
        response: { clientDataJSON: b64url(clientData(o.type ?? 'webauthn.create', o)), attestationObject: b64url(attestationObject), transports: ['internal'] },
        clientExtensionResults: {},
      });
    },

    assert(o) {
      counter = o.counter ?? counter + 1;
      const authData = Buffer.concat([sha256(o.rpId), Buffer.from([flags(o.userVerified ?? true, false)]), counterBytes(counter)]);
      const clientDataJSON = clientData(o.type ?? 'webauthn.get', o);
      return JSON.stringify({
        id,
        rawId: id,
        type: 'public-key',
        response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signWith(privateKey, authData, clientDataJSON)), userHandle: b64url(userHandle) },
        clientExtensionResults: {},
      });
    },
  };
}

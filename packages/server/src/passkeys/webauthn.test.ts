/**
 * The relying party's checks against responses made by a software authenticator: only an
 * answer to the drawn challenge, from this origin, for this RP ID, verifies; user verification
 * is enforced where asked; anything malformed is a refusal, never an exception.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRelyingParty, type StoredCredential } from './webauthn.js';
import { createSoftCredential } from '../testing/soft-authenticator.js';

const rp = createRelyingParty({ issuer: 'https://id.example.test' });
const here = { origin: 'https://id.example.test', rpId: 'id.example.test' };

function stored(credential: ReturnType<typeof createSoftCredential>): StoredCredential {
  return { id: credential.id, publicKey: credential.publicKey, counter: 0, transports: ['internal'] };
}

describe('WebAuthn relying party', () => {
  it('takes its RP ID and only origin from the issuer, and draws a new challenge each time', async () => {
    assert.equal(rp.rpID, 'id.example.test');
    assert.equal(rp.origin, 'https://id.example.test');
    const a = await rp.authenticationOptions();
    const b = await rp.authenticationOptions();
    assert.notEqual(a.challenge, b.challenge);
    assert.equal(a.options.challenge, a.challenge, 'the browser is given the very challenge kept');
    assert.equal(Buffer.from(a.challenge, 'base64url').length, 32);
    assert.equal(a.options.userVerification, 'required', 'a sign-in with a passkey alone requires user verification');
    assert.equal(a.options.allowCredentials, undefined, 'discoverable: any passkey of this site');
    const reg = await rp.registrationOptions({ rpName: 'Portcullis', accountId: 'acc-1', email: 'a@example.com', existing: [] });
    assert.equal(reg.options.rp.id, 'id.example.test');
    assert.equal(reg.options.authenticatorSelection?.residentKey, 'required');
    assert.equal(reg.options.authenticatorSelection?.userVerification, 'required');
    assert.equal(Buffer.from(reg.options.user.id, 'base64url').toString(), 'acc-1', 'the user handle is the account id');
  });

  it('verifies an assertion for the drawn challenge, and refuses another challenge (a replay into a new ceremony)', async () => {
    const key = createSoftCredential('acc-1');
    const { challenge } = await rp.authenticationOptions();
    const ok = await rp.verifyAssertion(key.assert({ challenge, ...here }), challenge, stored(key), true);
    assert.equal(ok?.credentialId, key.id);
    assert.equal(ok?.userVerified, true);
    const old = key.assert({ challenge, ...here });
    const { challenge: next } = await rp.authenticationOptions();
    assert.equal(await rp.verifyAssertion(old, next, stored(key), true), undefined);
  });

  it('refuses an assertion made for another origin or another RP ID', async () => {
    const key = createSoftCredential('acc-1');
    const { challenge } = await rp.authenticationOptions();
    assert.equal(await rp.verifyAssertion(key.assert({ challenge, origin: 'https://evil.example', rpId: here.rpId }), challenge, stored(key), false), undefined);
    assert.equal(await rp.verifyAssertion(key.assert({ challenge, origin: 'http://id.example.test', rpId: here.rpId }), challenge, stored(key), false), undefined);
    assert.equal(await rp.verifyAssertion(key.assert({ challenge, origin: here.origin, rpId: 'evil.example' }), challenge, stored(key), false), undefined);
    assert.equal(await rp.verifyAssertion(key.assert({ challenge, ...here, type: 'webauthn.create' }), challenge, stored(key), false), undefined);
  });

  it('requires user verification for a sign-in with a passkey alone, and only presence for a second step', async () => {
    const key = createSoftCredential('acc-1');
    const { challenge } = await rp.authenticationOptions();
    const presenceOnly = key.assert({ challenge, ...here, userVerified: false });
    assert.equal(await rp.verifyAssertion(presenceOnly, challenge, stored(key), true), undefined);
    const second = await rp.verifyAssertion(presenceOnly, challenge, stored(key), false);
    assert.equal(second?.userVerified, false);
  });

  it('refuses a signature by another key, and a response naming another credential than the one checked', async () => {
    const key = createSoftCredential('acc-1');
    const other = createSoftCredential('acc-2');
    const { challenge } = await rp.authenticationOptions();
    const forged = JSON.parse(other.assert({ challenge, ...here })) as { id: string; rawId: string };
    forged.id = key.id;
    forged.rawId = key.id;
    assert.equal(await rp.verifyAssertion(JSON.stringify(forged), challenge, stored(key), true), undefined);
    assert.equal(await rp.verifyAssertion(other.assert({ challenge, ...here }), challenge, stored(key), true), undefined);
  });

  it('answers malformed input with a refusal, never an exception', async () => {
    const key = createSoftCredential('acc-1');
    const { challenge } = await rp.authenticationOptions();
    const good = JSON.parse(key.assert({ challenge, ...here })) as { response: Record<string, string> };
    const broken = [
      '', 'null', '{', '[]', '"x"', JSON.stringify({ id: key.id }),
      JSON.stringify({ ...good, response: { ...good.response, signature: 'AAAA' } }),
      JSON.stringify({ ...good, response: { ...good.response, authenticatorData: 'AA' } }),
      JSON.stringify({ ...good, response: { ...good.response, clientDataJSON: Buffer.from('{"type":1}').toString('base64url') } }),
      JSON.stringify({ ...good, response: { ...good.response, signature: '<script>' } }),
    ];
    for (const text of broken) assert.equal(await rp.verifyAssertion(text, challenge, stored(key), true), undefined, text);
    for (const text of broken) assert.equal(await rp.verifyRegistration(text, challenge), undefined, text);
  });

  it('registers a credential answering the drawn challenge with user verification, and nothing else', async () => {
    const key = createSoftCredential('acc-1');
    const { challenge } = await rp.registrationOptions({ rpName: 'Portcullis', accountId: 'acc-1', email: 'a@example.com', existing: [] });
    const created = await rp.verifyRegistration(key.register({ challenge, ...here }), challenge);
    assert.equal(created?.id, key.id);
    assert.equal(created?.publicKey, key.publicKey);
    assert.deepEqual(created?.transports, ['internal']);
    assert.equal(await rp.verifyRegistration(key.register({ challenge: 'b3RoZXI', ...here }), challenge), undefined, 'another challenge');
    assert.equal(await rp.verifyRegistration(key.register({ challenge, origin: 'https://evil.example', rpId: here.rpId }), challenge), undefined, 'another origin');
    assert.equal(await rp.verifyRegistration(key.register({ challenge, ...here, userVerified: false }), challenge), undefined, 'no user verification');
  });
});

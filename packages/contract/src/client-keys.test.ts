import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { clientJwksSchema, jwksUriProblem, MAX_CLIENT_KEYS } from './client-keys.js';

const rsaPublic = (bits: number): Record<string, unknown> => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
const rsa2048 = rsaPublic(2048);
const ec = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'a' };

void describe('client keys (private_key_jwt)', () => {
  void it('takes a set of public RSA (2048 bits and more) and P-256 EC keys', () => {
    assert.ok(clientJwksSchema.safeParse({ keys: [ec, { ...rsa2048, use: 'sig' }, rsaPublic(3072)] }).success);
  });

  void it('refuses keys that could never sign an accepted assertion: OKP, RSA under 2048 bits, other EC curves', () => {
    const refused: [string, unknown, RegExp][] = [
      ['an Ed25519 key', { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }, /OKP \(Ed25519\) keys cannot authenticate/],
      ['a 1024-bit RSA key', rsaPublic(1024), /RSA key of 1024 bits is too weak: at least 2048 bits/],
      ['a 2047-bit RSA key', rsaPublic(2047), /RSA key of 2047 bits is too weak/],
      ['an RSA key without n', { kty: 'RSA', e: 'AQAB' }, /without a valid modulus/],
      ['an RSA key with a bad n', { kty: 'RSA', n: 'not base64!', e: 'AQAB' }, /without a valid modulus/],
      ['a P-384 key', { ...ec, crv: 'P-384' }, /ES256 needs a P-256 key/],
    ];
    for (const [label, key, message] of refused) {
      const parsed = clientJwksSchema.safeParse({ keys: [key] });
      assert.equal(parsed.success, false, label);
      assert.match(JSON.stringify(parsed.error?.issues), message, label);
    }
  });

  void it('refuses private members, symmetric keys, encryption keys, duplicate kids, empty and oversized sets', () => {
    const refused: [string, unknown, RegExp][] = [
      ['a private EC key', { keys: [{ ...ec, d: 'secret' }] }, /private key material \(d\)/],
      ['an RSA private key', { keys: [{ ...rsa2048, p: 'p', q: 'q' }] }, /private key material \(p, q\)/],
      ['a symmetric key', { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, /not a public-key type/],
      ['an encryption key', { keys: [{ ...ec, use: 'enc' }] }, /use \\"sig\\"/],
      ['two keys with one kid', { keys: [ec, { ...ec }] }, /share a kid/],
      ['no key', { keys: [] }, /at least one key/],
      ['too many keys', { keys: Array.from({ length: MAX_CLIENT_KEYS + 1 }, (_, i) => ({ ...ec, kid: String(i) })) }, /at most/],
      ['another member', { keys: [ec], extra: true }, /extra/],
    ];
    for (const [label, value, message] of refused) {
      const parsed = clientJwksSchema.safeParse(value);
      assert.equal(parsed.success, false, label);
      assert.match(JSON.stringify(parsed.error?.issues), message, label);
    }
  });

  void it('takes an https jwks_uri only, without credentials or fragment, naming a host rather than an address', () => {
    assert.equal(jwksUriProblem('https://rp.example/.well-known/jwks.json'), undefined);
    for (const uri of ['https://169.254.169.254/jwks', 'https://2852039166/jwks', 'https://0xa9.0xfe.0xa9.0xfe/jwks', 'https://127.1/jwks', 'https://[::1]/jwks', 'https://[::ffff:a9fe:a9fe]/jwks', 'https://93.184.215.14/jwks']) {
      assert.equal(jwksUriProblem(uri), 'must name its host, not an IP address', uri);
    }
    for (const uri of ['http://rp.example/jwks', 'https://user:pw@rp.example/jwks', 'https://rp.example/jwks#k', 'file:///etc/passwd', 'jwks']) assert.ok(jwksUriProblem(uri), uri);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientJwksSchema, jwksUriProblem, MAX_CLIENT_KEYS } from './client-keys.js';

const ec = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'a' };

void describe('client keys (private_key_jwt)', () => {
  void it('takes a set of public RSA, EC or OKP keys', () => {
    assert.ok(clientJwksSchema.safeParse({ keys: [ec, { kty: 'OKP', crv: 'Ed25519', x: 'x', kid: 'b' }, { kty: 'RSA', n: 'n', e: 'AQAB', use: 'sig' }] }).success);
  });

  void it('refuses private members, symmetric keys, encryption keys, duplicate kids, empty and oversized sets', () => {
    const refused: [string, unknown, RegExp][] = [
      ['a private EC key', { keys: [{ ...ec, d: 'secret' }] }, /private key material \(d\)/],
      ['an RSA private key', { keys: [{ kty: 'RSA', n: 'n', e: 'AQAB', p: 'p', q: 'q' }] }, /private key material \(p, q\)/],
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

  void it('takes an https jwks_uri only, without credentials or fragment', () => {
    assert.equal(jwksUriProblem('https://rp.example/.well-known/jwks.json'), undefined);
    for (const uri of ['http://rp.example/jwks', 'https://user:pw@rp.example/jwks', 'https://rp.example/jwks#k', 'file:///etc/passwd', 'jwks']) assert.ok(jwksUriProblem(uri), uri);
  });
});

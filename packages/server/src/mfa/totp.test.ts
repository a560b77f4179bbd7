import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from 'otplib';
import { matchStep, newTotpSecret, otpauthUri, stepAt } from './totp.js';

const at = (seconds: number) => new Date(seconds * 1000);
const codeAt = (secret: string, seconds: number) => generate({ secret, epoch: seconds });

describe('totp', () => {
  const secret = newTotpSecret();
  const now = 1_790_000_015; // 15 s into a step

  it('makes 160-bit base32 seeds, different each time', () => {
    assert.match(secret, /^[A-Z2-7]{32}$/, '20 bytes are 32 base32 characters');
    assert.notEqual(newTotpSecret(), secret);
  });

  it('accepts the current step and one step either side, and says which step matched', async () => {
    const step = stepAt(at(now));
    assert.equal(await matchStep(secret, await codeAt(secret, now), at(now)), step);
    assert.equal(await matchStep(secret, await codeAt(secret, now - 30), at(now)), step - 1);
    assert.equal(await matchStep(secret, await codeAt(secret, now + 30), at(now)), step + 1);
  });

  it('refuses codes two steps away (T-2, T+2)', async () => {
    for (const offset of [-60, 60]) {
      const code = await codeAt(secret, now + offset);
      // A 6-digit code can collide with a neighbouring step's by chance (1 in 10^6): skip that case.
      const neighbours = await Promise.all([-30, 0, 30].map((d) => codeAt(secret, now + d)));
      if (neighbours.includes(code)) continue;
      assert.equal(await matchStep(secret, code, at(now)), undefined, `offset ${offset}`);
    }
  });

  it('ignores spaces and refuses anything that is not six digits without throwing', async () => {
    const code = await codeAt(secret, now);
    assert.equal(await matchStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at(now)), stepAt(at(now)));
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345a', '１２３４５６']) {
      assert.equal(await matchStep(secret, bad, at(now)), undefined, bad);
    }
  });

  it('builds an otpauth URI with the issuer, the account and the seed', () => {
    const uri = new URL(otpauthUri(secret, 'ada@example.com', 'Portcullis (localhost)'));
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.searchParams.get('secret'), secret);
    assert.equal(uri.searchParams.get('issuer'), 'Portcullis (localhost)');
    assert.ok([null, '30'].includes(uri.searchParams.get('period')), '30-second steps (the default, so it may be omitted)');
    assert.match(decodeURIComponent(uri.pathname), /ada@example\.com/);
  });
});

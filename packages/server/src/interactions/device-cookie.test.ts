import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Koa from 'koa';
import { createDeviceCookies } from './device-cookie.js';

/** A listener that issues the cookie on /issue and answers the device nonce it reads on /read. */
async function serve(secure: boolean, keys = ['k'.repeat(32)]) {
  const app = new Koa();
  app.keys = keys;
  app.proxy = true;
  const devices = createDeviceCookies({ secure, key: keys[0]! });
  app.use((ctx) => {
    const email = ctx.query.email as string;
    if (ctx.path === '/issue') devices.issue(ctx, email);
    if (ctx.path === '/verified') devices.secondFactorVerified(ctx, email);
    ctx.body = { device: devices.read(ctx, email) ?? null, codeDevice: devices.read(ctx, email, 'code') ?? null };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    call: async (path: string, email: string, cookie = '') => {
      const response = await fetch(`${url}${path}?email=${encodeURIComponent(email)}`, { headers: { cookie, 'x-forwarded-proto': secure ? 'https' : 'http' } });
      const body = (await response.json()) as { device: string | null; codeDevice: string | null };
      return { setCookies: response.headers.getSetCookie(), device: body.device, codeDevice: body.codeDevice };
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(';')[0]).join('; ');

void describe('device cookie (SECURITY.md A14)', () => {
  void it('on https: __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, long-lived and signed', async () => {
    const server = await serve(true);
    try {
      const { setCookies } = await server.call('/issue', 'ada@example.com');
      assert.deepEqual(setCookies.map((c) => c.split('=')[0]), ['__Host-portcullis.device', '__Host-portcullis.device.sig']);
      for (const cookie of setCookies) {
        assert.match(cookie, /;\s*path=\/;/i);
        assert.match(cookie, /;\s*secure/i);
        assert.match(cookie, /;\s*httponly/i);
        assert.match(cookie, /;\s*samesite=lax/i);
        assert.doesNotMatch(cookie, /;\s*domain=/i);
        const expires = Date.parse(/expires=([^;]+)/i.exec(cookie)![1]!);
        assert.ok(expires - Date.now() > 179 * 24 * 3600 * 1000, cookie);
      }
      const value = JSON.parse(Buffer.from(setCookies[0]!.split(';')[0]!.split('=')[1]!, 'base64url').toString('utf8')) as Record<string, string>;
      assert.deepEqual(Object.keys(value).sort(), ['a', 'n'], 'the account and a nonce, nothing else');
      assert.ok(!setCookies.join(';').includes('ada') && !Buffer.from(setCookies[0]!.split(';')[0]!.split('=')[1]!, 'base64url').toString().includes('example.com'), 'no email in the cookie');
      assert.match(value.a!, /^[A-Za-z0-9_-]{43}$/, 'an HMAC of the email');
      assert.equal((await server.call('/read', 'ada@example.com', cookieHeader(setCookies))).device, value.n);
    } finally {
      await server.close();
    }
  });

  void it('names one account, gets a fresh nonce at each sign-in, and cannot be edited or signed with another key', async () => {
    const server = await serve(false);
    const stranger = await serve(false, ['s'.repeat(32)]);
    try {
      const first = await server.call('/issue', 'ada@example.com');
      const cookie = cookieHeader(first.setCookies);
      assert.ok(first.device === null);
      const nonce = (await server.call('/read', 'ada@example.com', cookie)).device;
      assert.ok(nonce);
      assert.equal((await server.call('/read', 'bob@example.com', cookie)).device, null, 'another account');
      const again = await server.call('/issue', 'ada@example.com', cookie);
      assert.notEqual((await server.call('/read', 'ada@example.com', cookieHeader(again.setCookies))).device, nonce);

      const [pair, sig] = first.setCookies.map((c) => c.split(';')[0]!);
      const edited = Buffer.from(JSON.stringify({ a: 'bob@example.com', n: nonce })).toString('base64url');
      assert.equal((await server.call('/read', 'bob@example.com', `portcullis.device=${edited}; ${sig}`)).device, null, 'edited value');
      assert.equal((await server.call('/read', 'ada@example.com', pair)).device, null, 'no signature');
      const foreign = cookieHeader((await stranger.call('/issue', 'ada@example.com')).setCookies);
      assert.equal((await server.call('/read', 'ada@example.com', foreign)).device, null, 'signed with another key');
      assert.equal((await server.call('/read', 'ada@example.com', 'portcullis.device=%%%; portcullis.device.sig=x')).device, null, 'garbage');
    } finally {
      await server.close();
      await stranger.close();
    }
  });

  void it('trusts a device for codes only once a second factor verified on it, and keeps that across its next password sign-in', async () => {
    const server = await serve(false);
    try {
      const issued = await server.call('/issue', 'ada@example.com');
      const afterPassword = await server.call('/read', 'ada@example.com', cookieHeader(issued.setCookies));
      assert.ok(afterPassword.device, 'a password sign-in makes a known device for passwords');
      assert.equal(afterPassword.codeDevice, null, 'but not for codes: a password alone must not buy code guesses');
      const verified = await server.call('/verified', 'ada@example.com', cookieHeader(issued.setCookies));
      const trusted = await server.call('/read', 'ada@example.com', cookieHeader(verified.setCookies));
      assert.equal(trusted.codeDevice, afterPassword.device, 'the same device, now trusted for codes');
      const again = await server.call('/issue', 'ada@example.com', cookieHeader(verified.setCookies));
      const later = await server.call('/read', 'ada@example.com', cookieHeader(again.setCookies));
      assert.ok(later.codeDevice && later.codeDevice !== afterPassword.device, 'a fresh nonce, still trusted for codes');
      const other = await server.call('/issue', 'bob@example.com', cookieHeader(verified.setCookies));
      assert.equal((await server.call('/read', 'bob@example.com', cookieHeader(other.setCookies))).codeDevice, null, "another account's sign-in starts untrusted");
    } finally {
      await server.close();
    }
  });
});

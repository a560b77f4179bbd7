import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { assertPublicHttpsUrl, capCacheHeaders, guardedJwksFetch, isSpecialUseAddress, JWKS_CACHE_MAX_SECONDS, JwksFetchRefused } from './jwks-fetch-guard.js';

const resolvesTo = (...addresses: string[]) => () => Promise.resolve(addresses);

void describe('jwks_uri fetch guard', () => {
  void it('tells public addresses from loopback, private, link-local and other special-use ones', () => {
    for (const address of ['127.0.0.1', '127.8.9.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::2', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip',
      // IPv6 forms embedding an IPv4 address, and site-local.
      '::127.0.0.1', '::169.254.169.254', '::ffff:0:7f00:1', '::ffff:0:808:808', '64:ff9b::a9fe:a9fe', 'fec0::1', 'feff::1']) {
      assert.equal(isSpecialUseAddress(address), true, address);
    }
    for (const address of ['93.184.215.14', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:1.1.1.1']) assert.equal(isSpecialUseAddress(address), false, address);
  });

  void it('refuses http, and a host any of whose addresses is not public, after resolving it', async () => {
    await assert.rejects(assertPublicHttpsUrl(new URL('http://rp.example/jwks'), resolvesTo('93.184.215.14')), JwksFetchRefused);
    await assert.rejects(assertPublicHttpsUrl(new URL('https://rp.example/jwks'), resolvesTo('93.184.215.14', '10.1.2.3')), /non-public address/);
    await assert.rejects(assertPublicHttpsUrl(new URL('https://rp.example/jwks'), resolvesTo()), /non-public address/);
    await assert.rejects(assertPublicHttpsUrl(new URL('https://rp.example/jwks'), () => Promise.reject(new Error('ENOTFOUND'))), /does not resolve/);
    await assert.rejects(assertPublicHttpsUrl(new URL('https://[fe80::1]/jwks')), /non-public address/);
    await assert.rejects(assertPublicHttpsUrl(new URL('https://localhost/jwks')), /non-public address/, 'localhost resolves to loopback');
    await assertPublicHttpsUrl(new URL('https://rp.example/jwks'), resolvesTo('93.184.215.14', '2606:4700:4700::1111'));
  });

  void it(`caps the cache lifetime an answer asks for at ${JWKS_CACHE_MAX_SECONDS} s and drops Expires`, () => {
    const capped = capCacheHeaders(new Headers({ 'cache-control': 'public, max-age=31536000', expires: 'Fri, 01 Jan 2100 00:00:00 GMT', 'content-type': 'application/json' }));
    assert.equal(capped.get('cache-control'), `max-age=${JWKS_CACHE_MAX_SECONDS}`);
    assert.equal(capped.get('expires'), null);
    assert.equal(capped.get('content-type'), 'application/json');
    assert.equal(capCacheHeaders(new Headers({ 'cache-control': 'max-age=30' })).get('cache-control'), 'max-age=30');
    // no-store / no-cache are kept and their max-age dropped: the library's shortest caching.
    assert.equal(capCacheHeaders(new Headers({ 'cache-control': 'no-store, max-age=999' })).get('cache-control'), 'no-store');
    assert.equal(capCacheHeaders(new Headers({ 'cache-control': 'public, no-cache, s-maxage=10, max-age=999' })).get('cache-control'), 'public, no-cache, s-maxage=10');
  });

  void it('refuses a redirect and passes the body and status of a direct answer through', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/moved') response.writeHead(302, { location: '/jwks' }).end();
      else response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=86400' }).end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // The real fetch, to a real server; only the https scheme and the address check are set aside
    // here (https://public.test is rewritten to the local listener), as the other tests cover them.
    const local: typeof fetch = (url, init) => fetch((url instanceof URL ? url.href : url instanceof Request ? url.url : url).replace('https://public.test', `http://127.0.0.1:${port}`), init);
    try {
      const direct = await guardedJwksFetch(new URL('https://public.test/jwks'), { method: 'GET' }, local, resolvesTo('93.184.215.14'));
      assert.equal(direct.status, 200);
      assert.equal(await direct.text(), '{"keys":[]}');
      assert.equal(direct.headers.get('cache-control'), `max-age=${JWKS_CACHE_MAX_SECONDS}`);
      await assert.rejects(guardedJwksFetch(new URL('https://public.test/moved'), { method: 'GET' }, local, resolvesTo('93.184.215.14')), TypeError);
    } finally {
      server.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackUrl } from './outgoing-fetch.js';

void describe('isLoopbackUrl', () => {
  void it('lifts the SSRF guard only for literal loopback hosts', () => {
    for (const url of ['http://127.0.0.1:8080/bc', 'http://[::1]:9/bc', 'http://localhost:3000/bc']) assert.equal(isLoopbackUrl(url), true, url);
    for (const url of ['https://rp.example/bc', 'http://127.0.0.2/bc', 'https://127.0.0.1.nip.io/bc', 'http://10.0.0.1/bc']) assert.equal(isLoopbackUrl(url), false, url);
  });
});

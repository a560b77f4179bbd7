import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientCreateInputSchema, clientUpdateInputSchema } from './client-input.schemas.js';

void describe('client registration bodies', () => {
  void it('need only a name to create, and refuse a field they do not know', () => {
    assert.equal(clientCreateInputSchema.safeParse({ client_name: 'App' }).success, true);
    assert.equal(clientCreateInputSchema.safeParse({}).success, false);
    assert.equal(clientCreateInputSchema.safeParse({ client_name: 'App', extra: 1 }).success, false);
    assert.equal(clientUpdateInputSchema.safeParse({ public: true }).success, true, 'an update may switch the kind');
    assert.equal(clientUpdateInputSchema.safeParse({ public: 'yes' }).success, false);
  });

  void it('word a bad field for an API caller, naming the value', () => {
    const result = clientCreateInputSchema.safeParse({ client_name: 'A', redirect_uris: ['http://app.example/cb', 'https://*.app.example/cb'], grant_types: ['password'], scope: 'openid read:"all"' });
    assert.equal(result.success, false);
    const messages = result.error?.issues.map((issue) => issue.message) ?? [];
    assert.ok(messages.includes('"http://app.example/cb": http is only allowed for loopback hosts'), messages.join('; '));
    assert.ok(messages.includes('unknown grant type "password"'), messages.join('; '));
    assert.ok(messages.some((m) => m.startsWith('"https://*.app.example/cb": wildcards are not supported')), messages.join('; '));
    assert.ok(messages.some((m) => m.startsWith('scope "read:\\"all\\"": not a valid scope')), messages.join('; '));
    const alg = clientCreateInputSchema.safeParse({ client_name: 'A', id_token_signed_response_alg: 'HS256' });
    assert.equal(alg.error?.issues[0]?.message, 'unknown ID token algorithm "HS256" (use RS256, ES256 or EdDSA)');
  });

  void it('refuse control and bidirectional formatting characters in a name, and keep joiners', () => {
    for (const name of ['Notes\u202Eexe.txt', 'Line\nbreak', 'Bell\u0007', 'Isolate\u2066x\u2069', 'Mark\u200F', 'Sep\u2028x']) {
      const result = clientCreateInputSchema.safeParse({ client_name: name });
      assert.equal(result.success, false, JSON.stringify(name));
      assert.match(result.error?.issues[0]?.message ?? '', /control or bidirectional formatting characters \(U\+[0-9A-F]{4}\)/);
      assert.equal(clientUpdateInputSchema.safeParse({ client_name: name }).success, false, JSON.stringify(name));
    }
    for (const name of ['Notes', 'Café Noir', 'کتاب\u200Cخانه', '👩\u200D💻 Desk', 'מחברת']) assert.equal(clientCreateInputSchema.safeParse({ client_name: name }).success, true, name);
  });

  void it('normalise scope text, single-spaced, API scopes included; refuse an empty one', () => {
    assert.equal(clientUpdateInputSchema.parse({ scope: ' openid  email openid read:invoices ' }).scope, 'openid email read:invoices');
    assert.equal(clientUpdateInputSchema.safeParse({ scope: '  ' }).success, false);
  });

  void it('keep private-use schemes out of back-channel logout URIs', () => {
    assert.equal(clientUpdateInputSchema.safeParse({ redirect_uris: ['com.example.app:/cb'] }).success, true);
    assert.equal(clientUpdateInputSchema.safeParse({ backchannel_logout_uri: 'com.example.app:/logout' }).success, false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientCreateInputSchema, clientUpdateInputSchema } from './client-input.schemas.js';

void describe('client registration bodies', () => {
  void it('need only a name to create, and refuse a field they do not know', () => {
    assert.equal(clientCreateInputSchema.safeParse({ client_name: 'App' }).success, true);
    assert.equal(clientCreateInputSchema.safeParse({}).success, false);
    assert.equal(clientCreateInputSchema.safeParse({ client_name: 'App', extra: 1 }).success, false);
    assert.equal(clientUpdateInputSchema.safeParse({ public: true }).success, false, 'a client never switches kind');
  });

  void it('word a bad field for an API caller, naming the value', () => {
    const result = clientCreateInputSchema.safeParse({ client_name: 'A', redirect_uris: ['http://app.example/cb'], grant_types: ['password'], scope: 'openid admin' });
    assert.equal(result.success, false);
    const messages = result.error?.issues.map((issue) => issue.message) ?? [];
    assert.ok(messages.includes('"http://app.example/cb": http is only allowed for loopback hosts'), messages.join('; '));
    assert.ok(messages.includes('unknown grant type "password"'), messages.join('; '));
    assert.ok(messages.includes('unknown scope "admin"'), messages.join('; '));
    const alg = clientCreateInputSchema.safeParse({ client_name: 'A', id_token_signed_response_alg: 'HS256' });
    assert.equal(alg.error?.issues[0]?.message, 'unknown ID token algorithm "HS256" (use RS256, ES256 or EdDSA)');
  });

  void it('normalise scope text to the supported scopes, single-spaced', () => {
    assert.equal(clientUpdateInputSchema.parse({ scope: ' openid  email openid ' }).scope, 'openid email');
  });
});

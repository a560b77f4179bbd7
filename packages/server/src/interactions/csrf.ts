/**
 * CSRF tokens for interaction forms (SECURITY.md A12). A token is an HMAC of the interaction uid
 * under the cookie key: the provider only accepts a POST for a uid whose interaction cookie the
 * browser holds, and only a page we rendered knows the matching token. Verification tries every
 * cookie key, so rotating COOKIE_KEYS does not break forms already on screen.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';

export interface Csrf {
  tokenFor(scope: string): string;
  verify(scope: string, token: unknown): boolean;
}

export function createCsrf(keys: string[]): Csrf {
  const sign = (key: string, scope: string) => createHmac('sha256', key).update(`csrf:${scope}`).digest('base64url');
  return {
    tokenFor: (scope) => sign(keys[0]!, scope),
    verify: (scope, token) => typeof token === 'string' && token.length > 0 && keys.some((key) => constantTimeEqual(sign(key, scope), token)),
  };
}

/**
 * One rule for U+0000 whatever the store: RFC 6749 Appendix A allows no control characters in
 * state, nonce, codes or tokens, and PostgreSQL text cannot even hold one. So an id containing
 * it is unknown without asking the store, and a payload containing it (only a hostile request
 * parameter can put one there) is refused as `invalid_request` — a 4xx, the same answer with
 * PostgreSQL or Redis behind the provider.
 */
import { errors } from 'oidc-provider';
import type { Adapter, AdapterPayload } from 'oidc-provider';

export function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([key, v]) => key.includes('\u0000') || holdsNul(v));
  return false;
}

export function refuseNul(adapter: Adapter): Adapter {
  return {
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
      if (holdsNul(id) || holdsNul(payload)) throw new errors.InvalidRequest('request parameters must not contain NUL characters');
      await adapter.upsert(id, payload, expiresIn);
    },
    find: (id: string) => (holdsNul(id) ? Promise.resolve(undefined) : adapter.find(id)),
    findByUid: (uid: string) => (holdsNul(uid) ? Promise.resolve(undefined) : adapter.findByUid(uid)),
    findByUserCode: (code: string) => (holdsNul(code) ? Promise.resolve(undefined) : adapter.findByUserCode(code)),
    consume: (id: string) => adapter.consume(id),
    destroy: (id: string) => adapter.destroy(id),
    revokeByGrantId: (grantId: string) => adapter.revokeByGrantId(grantId),
  };
}

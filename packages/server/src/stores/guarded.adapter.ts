/**
 * Wraps any provider adapter so a storage outage becomes a 503 (`statusCode`), which the
 * provider's error handler honours, instead of its default 500. Everything else (the
 * provider's own OAuth errors such as `invalid_grant`, or a bug) passes through unchanged.
 * A failed `upsert` stays a failure: the provider saves a token before it answers, so a token
 * is never issued without its stored record.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { orUnavailable } from './unavailable.js';

export function guardAdapter(adapter: Adapter): Adapter {
  return {
    upsert: (id: string, payload: AdapterPayload, expiresIn?: number) => orUnavailable(adapter.upsert(id, payload, expiresIn)),
    find: (id: string) => orUnavailable(adapter.find(id)),
    findByUid: (uid: string) => orUnavailable(adapter.findByUid(uid)),
    findByUserCode: (userCode: string) => orUnavailable(adapter.findByUserCode(userCode)),
    consume: (id: string) => orUnavailable(adapter.consume(id)),
    destroy: (id: string) => orUnavailable(adapter.destroy(id)),
    revokeByGrantId: (grantId: string) => orUnavailable(adapter.revokeByGrantId(grantId)),
  };
}

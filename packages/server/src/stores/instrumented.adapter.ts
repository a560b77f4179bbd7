/**
 * Times every call of a provider adapter, labelled by backend (each store names its own:
 * `redis`, or `primary` for the PostgreSQL payload table; `reader` for clients, read from the
 * replicas with primary fallback),
 * model (`Session`, `AccessToken`, `Client`, …) and operation. Wraps the adapter unchanged
 * otherwise: results and errors pass straight through.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Metrics } from '../observability/metrics.js';

type Operation = 'upsert' | 'find' | 'findByUid' | 'findByUserCode' | 'consume' | 'destroy' | 'revokeByGrantId';

export function instrumentAdapter(adapter: Adapter, deps: { metrics: Metrics; backend: string; model: string }): Adapter {
  const { adapterDuration } = deps.metrics.internals;
  const timed = async <T>(operation: Operation, call: () => Promise<T>): Promise<T> => {
    const end = adapterDuration.startTimer({ backend: deps.backend, model: deps.model, operation });
    try {
      const result = await call();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  };
  return {
    upsert: (id: string, payload: AdapterPayload, expiresIn?: number) => timed('upsert', () => adapter.upsert(id, payload, expiresIn)),
    find: (id: string) => timed('find', () => adapter.find(id)),
    findByUid: (uid: string) => timed('findByUid', () => adapter.findByUid(uid)),
    findByUserCode: (userCode: string) => timed('findByUserCode', () => adapter.findByUserCode(userCode)),
    consume: (id: string) => timed('consume', () => adapter.consume(id)),
    destroy: (id: string) => timed('destroy', () => adapter.destroy(id)),
    revokeByGrantId: (grantId: string) => timed('revokeByGrantId', () => adapter.revokeByGrantId(grantId)),
  };
}

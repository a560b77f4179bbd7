/**
 * What every provider adapter gets, whatever the store behind it (the Client adapter included):
 * U+0000 refused before the store sees it (nul-guard.adapter.ts), every call timed under the
 * store's backend label (instrumented.adapter.ts), and a storage outage turned into a 503
 * (guarded.adapter.ts), outermost, so the timing records the store's own failure.
 */
import type { Adapter } from 'oidc-provider';
import type { Metrics } from '../observability/metrics.js';
import { guardAdapter } from './guarded.adapter.js';
import { instrumentAdapter } from './instrumented.adapter.js';
import { refuseNul } from './nul-guard.adapter.js';

export function protectAdapter(adapter: Adapter, deps: { metrics: Metrics; backend: string; model: string }): Adapter {
  return guardAdapter(instrumentAdapter(refuseNul(adapter), deps));
}

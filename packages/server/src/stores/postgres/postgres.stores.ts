/**
 * The stores in the SQL database itself (embedded mode: one process, no Redis):
 * - the provider's artefacts in the `oidc_payloads` table (payload.adapter.ts); expired rows
 *   are invisible to reads and swept every 10 minutes;
 * - sessions and grants listed through the table's expression indexes;
 * - rate-limit counters and short-lived values in this process's memory (../memory-counters.ts,
 *   ../short-term.ts);
 * - no change feed: there is no other instance to tell, and each write invalidates this
 *   instance's cache directly;
 * - no dependency of its own in /readyz: it is the primary, which readiness checks anyway.
 */
import { createOidcPayloadRepository, type Database } from '@portcullis/db';
import type { Logger } from '../../observability/logger.js';
import { errorMessage } from '../../error-message.js';
import { memoryCounters } from '../memory-counters.js';
import { memoryShortTerm } from '../short-term.js';
import type { StoreImplementation } from '../stores.js';
import { createPayloadAdapterClass } from './payload.adapter.js';

export const EXPIRED_SWEEP_INTERVAL_MS = 10 * 60 * 1000;

export function openPostgresStores(deps: { db: Database; logger: Logger }): StoreImplementation {
  const payloads = createOidcPayloadRepository(deps.db);
  const PayloadAdapter = createPayloadAdapterClass(payloads);
  // Housekeeping: drop expired rows (Redis expires its keys itself).
  const sweep = () => payloads.deleteExpired(new Date()).catch((error: unknown) => deps.logger.warn('expired sweep failed', { error: errorMessage(error) }));
  const sweeper = setInterval(() => void sweep(), EXPIRED_SWEEP_INTERVAL_MS).unref();

  return {
    name: 'postgres',
    metricsBackend: 'primary',
    ping: () => deps.db.probe('primary'),
    adapter: (model) => new PayloadAdapter(model),
    sessionIndex: {
      listIdsByAccount: (model, accountId) => payloads.listIdsByAccount(model, accountId, new Date()),
      listGrantIdsByClient: (clientId) => payloads.listGrantIdsByClient(clientId, new Date()),
    },
    counters: memoryCounters,
    shortTerm: memoryShortTerm(),
    changeFeed: {
      publish: () => Promise.resolve(),
      listen: () => Promise.resolve(),
    },
    providerMiddleware: [],
    close() {
      clearInterval(sweeper);
      return Promise.resolve();
    },
  };
}

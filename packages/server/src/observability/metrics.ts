/**
 * Every Prometheus metric Portcullis exports, on ONE registry built by the composition root and
 * passed down (never prom-client's global default registry, so two servers in one test process
 * never share counters).
 * - Labels are bounded: routes are templates (`/interaction/:uid/login`, the provider's route
 *   name `token`), never raw paths; OAuth error codes and grant types come from fixed sets;
 *   client ids are labelled only for the first `maxClientLabels` clients seen, the rest `other`.
 * - Names and meanings are listed in docs/operations.md; dashboards and alerts depend on them.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PORTCULLIS_VERSION } from '@portcullis/contract';

export const METRIC_PREFIX = 'portcullis_';

/** Seconds; covers a cached discovery document (~1 ms) to an argon2 sign-in under load (~2 s). */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const HASH_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2];

export interface MetricsOptions {
  /** Clients labelled by id; later ones share the label `other` (METRICS_MAX_CLIENT_LABELS). */
  maxClientLabels: number;
  /** Node.js process metrics (event loop lag, heap, GC, CPU); off in unit tests for speed. */
  processMetrics?: boolean;
}

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  const p = METRIC_PREFIX;
  const registers = [registry];
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: p });

  const labelled = new Set<string>();
  /** A bounded label for a client id: itself while fewer than the cap were seen, else `other`. */
  const clientLabel = (clientId: string | undefined | null): string => {
    if (!clientId) return 'none';
    if (labelled.has(clientId)) return clientId;
    if (labelled.size >= options.maxClientLabels) return 'other';
    labelled.add(clientId);
    return clientId;
  };

  // The Prometheus "info" pattern: a constant 1 whose labels say which release and Node.js run here.
  new Gauge({ name: `${p}build_info`, help: 'Always 1; the labels name the Portcullis version and the Node.js version of this instance.', labelNames: ['version', 'node_version'], registers })
    .set({ version: PORTCULLIS_VERSION, node_version: process.version }, 1);

  return {
    registry,
    clientLabel,
    http: {
      requests: new Counter({ name: `${p}http_requests_total`, help: 'HTTP requests answered, by listener, method, route template and status.', labelNames: ['listener', 'method', 'route', 'status'], registers }),
      duration: new Histogram({ name: `${p}http_request_duration_seconds`, help: 'HTTP request duration, by listener, method, route template and status.', labelNames: ['listener', 'method', 'route', 'status'], buckets: REQUEST_BUCKETS, registers }),
      inFlight: new Gauge({ name: `${p}http_requests_in_flight`, help: 'HTTP requests being handled now, by listener.', labelNames: ['listener'], registers }),
    },
    oidc: {
      authorizations: new Counter({ name: `${p}oidc_authorizations_total`, help: 'Authorization endpoint outcomes: success, or the OAuth error code.', labelNames: ['client', 'outcome'], registers }),
      tokens: new Counter({ name: `${p}oidc_tokens_issued_total`, help: 'Successful token endpoint responses, by grant type and client.', labelNames: ['grant_type', 'client'], registers }),
      tokenErrors: new Counter({ name: `${p}oidc_token_errors_total`, help: 'Token endpoint errors, by OAuth error code and client.', labelNames: ['error', 'client'], registers }),
      refreshReuse: new Counter({ name: `${p}oidc_refresh_token_reuse_total`, help: 'Refresh tokens presented again after rotation; the grant was revoked (RFC 9700 §4.14.2).', labelNames: ['client'], registers }),
      endpointErrors: new Counter({ name: `${p}oidc_endpoint_errors_total`, help: 'Handled errors at other provider endpoints (userinfo, introspection, revocation, end_session), by OAuth error code.', labelNames: ['endpoint', 'error'], registers }),
      logouts: new Counter({ name: `${p}oidc_logouts_total`, help: 'Completed RP-initiated logouts.', labelNames: ['client'], registers }),
      interactions: new Counter({ name: `${p}oidc_interactions_started_total`, help: 'Interactions the provider asked for, by prompt (login, consent).', labelNames: ['prompt'], registers }),
      consents: new Counter({ name: `${p}oidc_consents_total`, help: 'Consent decisions on the consent page (granted, denied).', labelNames: ['outcome'], registers }),
      serverErrors: new Counter({ name: `${p}oidc_server_errors_total`, help: 'Unhandled errors inside the provider.', registers }),
    },
    accounts: {
      registrations: new Counter({ name: `${p}account_registrations_total`, help: 'Accounts registered through the sign-in pages.', labelNames: ['outcome'], registers }),
      signIns: new Counter({ name: `${p}signins_total`, help: 'Password steps of sign-ins: outcome and reason (a failure reason, or mfa_required / complete).', labelNames: ['outcome', 'reason'], registers }),
      mfa: new Counter({ name: `${p}mfa_verifications_total`, help: 'Second-step checks, by method (totp, recovery_code) and outcome.', labelNames: ['method', 'outcome'], registers }),
      lockouts: new Counter({ name: `${p}lockouts_total`, help: 'Accounts or addresses locked out after repeated failures, by factor and scope.', labelNames: ['factor', 'scope'], registers }),
      rateLimited: new Counter({ name: `${p}rate_limited_total`, help: 'Requests refused with 429, by route template.', labelNames: ['route'], registers }),
      securityEvents: new Counter({ name: `${p}security_events_total`, help: 'Every audited security event, by type and outcome.', labelNames: ['type', 'outcome'], registers }),
    },
    internals: {
      hashDuration: new Histogram({ name: `${p}password_hash_duration_seconds`, help: 'argon2id calls, by operation (hash, verify, verify_dummy), including the wait for a free slot (one per core).', labelNames: ['operation'], buckets: HASH_BUCKETS, registers }),
      hashInFlight: new Gauge({ name: `${p}password_hash_in_flight`, help: 'argon2id calls running or waiting for a slot now (each running one holds ~19 MiB).', registers }),
      adapterDuration: new Histogram({ name: `${p}adapter_operation_duration_seconds`, help: 'Provider adapter calls, by backend (redis, primary), model and operation.', labelNames: ['backend', 'model', 'operation', 'outcome'], buckets: STORE_BUCKETS, registers }),
      queryDuration: new Histogram({ name: `${p}db_query_duration_seconds`, help: 'SQL queries, by handle (primary, reader) and outcome.', labelNames: ['handle', 'outcome'], buckets: STORE_BUCKETS, registers }),
      readerFallbacks: new Counter({ name: `${p}db_reader_fallbacks_total`, help: 'Times reads moved to the primary because the reader (replicas) could not be reached.', registers }),
    },
    /** Readiness of each dependency (1 ok, 0.5 fallback, 0 failed), refreshed by the probe. */
    // The mail outbox (mail/, docs/email.md). The backlog is the same table for every instance;
    // alert on max() across instances (deploy/prometheus rules: PortcullisMailOutboxStuck).
    mail: {
      queued: new Counter({ name: `${p}mail_queued_total`, help: 'Messages written to the outbox by this instance, by template (a rolled-back request may have dropped one).', labelNames: ['template'], registers }),
      sent: new Counter({ name: `${p}mail_sent_total`, help: 'Messages delivered by this instance\'s sender, by template.', labelNames: ['template'], registers }),
      failed: new Counter({ name: `${p}mail_failed_total`, help: 'Failed delivery attempts, by template and outcome: retry (tried again later) or gave_up (status failed).', labelNames: ['template', 'outcome'], registers }),
      waiting: new Gauge({ name: `${p}mail_outbox_waiting`, help: 'Messages in the outbox not yet sent nor given up on.', registers }),
      oldestAge: new Gauge({ name: `${p}mail_outbox_oldest_age_seconds`, help: 'Age of the oldest message still waiting in the outbox (0 when none waits).', registers }),
    },
    dependencyUp: new Gauge({ name: `${p}dependency_up`, help: 'Dependency state from the readiness checks: 1 ok, 0.5 serving through a fallback, 0 failed.', labelNames: ['dependency'], registers }),
    ready: new Gauge({ name: `${p}ready`, help: '1 while this instance reports ready on /readyz, 0 otherwise (also 0 while shutting down).', registers }),
    replicaLag: new Gauge({ name: `${p}db_replica_lag_seconds`, help: 'Replay lag of the replica the reader reaches (now - pg_last_xact_replay_timestamp(), 0 when idle and caught up).', registers }),
  };
}

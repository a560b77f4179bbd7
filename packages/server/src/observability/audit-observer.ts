/**
 * Every audit event also becomes a metric and its own JSON log line (`kind: "security"`): the
 * audit service is the one place every security-relevant action already reports to, so this
 * wrapper is the single hook for sign-ins, MFA checks, lockouts and registrations.
 * - The log line copies a fixed set of `detail` fields (reasons, methods, scopes, counts); an
 *   email an audit event may keep for an unknown account stays in the audit table only.
 * - The request's client and account are noted for its request log line.
 */
import type { AuditService } from '../audit/audit.service.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { RequestContext } from './request-context.js';

const LOGGED_DETAIL = ['reason', 'method', 'factor', 'scope', 'seconds', 'mfa_required', 'during'] as const;

const label = (value: unknown, fallback: string) => (typeof value === 'string' && /^[a-z0-9_.-]{1,40}$/i.test(value) ? value : fallback);

export function observeAudit(audit: AuditService, deps: { logger: Logger; metrics: Metrics; context: RequestContext }): AuditService {
  const { accounts } = deps.metrics;
  return {
    list: (query) => audit.list(query),
    async record(input, meta) {
      const outcome = input.outcome ?? 'success';
      const detail = input.detail ?? {};
      deps.context.note({ clientId: input.clientId ?? undefined, accountId: input.accountId ?? undefined });
      accounts.securityEvents.inc({ type: input.type, outcome });
      switch (input.type) {
        case 'account.registered':
          accounts.registrations.inc({ outcome });
          break;
        case 'signin':
          accounts.signIns.inc({ outcome, reason: outcome === 'failure' ? label(detail.reason, 'unknown') : detail.mfa_required ? 'mfa_required' : 'complete' });
          break;
        case 'mfa.verify':
          accounts.mfa.inc({ method: label(detail.method, 'unknown'), outcome });
          break;
        case 'lockout':
          accounts.lockouts.inc({ factor: label(detail.factor, 'unknown'), scope: label(detail.scope, 'unknown') });
          break;
        default:
          break;
      }
      const logged = Object.fromEntries(LOGGED_DETAIL.filter((key) => detail[key] !== undefined).map((key) => [key, detail[key]]));
      deps.logger.log(outcome === 'failure' || input.type === 'lockout' ? 'warn' : 'info', 'security event', {
        kind: 'security',
        event: input.type,
        outcome,
        clientId: input.clientId ?? undefined,
        accountId: input.accountId ?? undefined,
        ip: meta.ip ?? undefined,
        ...logged,
      });
      await audit.record(input, meta);
    },
  };
}

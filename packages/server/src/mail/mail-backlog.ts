/**
 * Keeps the outbox's backlog gauges current on every instance, sender or not: an instance
 * without SMTP_URL in production mode sends nothing, and the stuck-outbox alert must still see
 * the messages waiting for it.
 */
import type { MailOutboxRepository } from '@portcullis/db';
import type { Metrics } from '../observability/metrics.js';

export function watchOutboxBacklog(deps: { repository: Pick<MailOutboxRepository, 'backlog'>; metrics: Metrics; everyMs?: number }): { refresh: () => Promise<void>; stop: () => void } {
  const refresh = async () => {
    const backlog = await deps.repository.backlog();
    deps.metrics.mail.waiting.set(backlog.waiting);
    deps.metrics.mail.oldestAge.set(backlog.oldest ? Math.max(0, (Date.now() - backlog.oldest.getTime()) / 1000) : 0);
  };
  // A database outage shows on the dependency gauges; the backlog keeps its last value meanwhile.
  const timer = setInterval(() => void refresh().catch(() => undefined), deps.everyMs ?? 15_000).unref();
  return { refresh, stop: () => clearInterval(timer) };
}

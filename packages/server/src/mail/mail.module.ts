/**
 * Builds the mail pieces for the composition root: the outbox API features use, the sender (when
 * this instance has somewhere to deliver) and the backlog gauges.
 * - SMTP_URL set: nodemailer over SMTP.
 * - Embedded mode without SMTP_URL: .eml files in DATA_DIR/mail (the banner says so).
 * - Production mode without SMTP_URL: no sender here; messages wait in the outbox, durable,
 *   for an instance that has SMTP_URL (and PortcullisMailOutboxStuck fires when none does).
 */
import type { Config } from '@portcullis/config';
import type { Database } from '@portcullis/db';
import { createMailOutboxRepository } from '@portcullis/db';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createMailOutbox, type MailOutbox } from './mail-outbox.js';
import { startMailSender, type MailSender, type SenderTiming } from './mail-sender.js';
import { fileTransport, smtpTransport, type MailTransport } from './mail-transport.js';
import { watchOutboxBacklog } from './mail-backlog.js';

export interface Mail {
  outbox: MailOutbox;
  /** Where this instance delivers, for the banner and the start log; undefined: it does not. */
  delivery: string | undefined;
  sender: MailSender | undefined;
  refreshBacklog(): Promise<void>;
  stop(): Promise<void>;
}

export function chooseTransport(config: Readonly<Config>): MailTransport | undefined {
  if (config.mail.smtpUrl) return smtpTransport(config.mail.smtpUrl);
  return config.mode === 'embedded' ? fileTransport(config.dataDir) : undefined;
}

export function startMail(deps: { config: Readonly<Config>; db: Database; box: SecretBox; metrics: Metrics; logger: Logger; productName: () => Promise<string>; timing?: Partial<SenderTiming>; transport?: MailTransport }): Mail {
  const repository = createMailOutboxRepository(deps.db);
  const transport = deps.transport ?? chooseTransport(deps.config);
  const sender = transport && startMailSender({
    repository, box: deps.box, transport, from: deps.config.mail.from, productName: deps.productName, retryBaseMs: deps.config.mail.retryBaseMs, maxAttempts: deps.config.mail.maxAttempts,
    metrics: deps.metrics, logger: deps.logger, timing: deps.timing,
  });
  const outbox = createMailOutbox({
    repository,
    box: deps.box,
    onQueued: (template) => {
      deps.metrics.mail.queued.inc({ template });
      // After the caller's commit, most likely; if not, the next poll finds the message.
      setTimeout(() => sender?.nudge(), 20).unref();
    },
  });
  const backlog = watchOutboxBacklog({ repository, metrics: deps.metrics });
  if (!transport) deps.logger.warn('SMTP_URL is not set: this instance sends no mail; messages wait in the outbox for an instance that has it');
  return {
    outbox,
    delivery: transport?.describe,
    sender,
    refreshBacklog: backlog.refresh,
    async stop() {
      backlog.stop();
      await sender?.stop();
    },
  };
}

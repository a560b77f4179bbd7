/**
 * The sender loop, one per instance: claims due messages from the outbox, renders and delivers
 * them, and records the outcome.
 * - Several instances: the claim is `FOR UPDATE SKIP LOCKED` with a lease (the repository), so a
 *   message is claimed by one sender at a time; and a sender that dies between delivering and
 *   recording leaves the row to be claimed again when the lease ends. Delivery is therefore
 *   at-least-once: exactly once unless an instance dies (or loses the database) in that window.
 * - A failed attempt is tried again after `retryBaseMs`·2^(attempt−1), at most an hour; after
 *   `maxAttempts` the message is given up on (status failed). A message that cannot be rendered
 *   (unknown template, bad parameters, parameters no key of the ring opens) is given up on at
 *   once: trying again cannot help.
 * - `nudge()` (called after an enqueue) runs the loop at once instead of at the next poll; a
 *   message whose transaction has not committed yet is simply found by the next poll.
 * - `stop()` ends the loop after the message in hand, for a clean shutdown.
 */
import type { MailOutboxRepository, ClaimedMail } from '@portcullis/db';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { errorMessage } from '../error-message.js';
import { isLocale } from '../messages/locales.js';
import { MAIL_TEMPLATES, isMailTemplateId } from './templates/index.js';
import type { MailContext, RenderedMail } from './templates/template.js';
import { describeMailError, type MailTransport } from './mail-transport.js';
import { mailParamsAad } from './mail-outbox.js';

export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

export interface SenderTiming {
  /** How often the outbox is asked when nothing nudged the sender. */
  pollMs: number;
  /** Messages claimed at once. */
  batchSize: number;
  /** How long a claim holds a message before another sender may take it. */
  leaseMs: number;
}

export const DEFAULT_SENDER_TIMING: SenderTiming = { pollMs: 2000, batchSize: 20, leaseMs: 120_000 };

export interface MailSender {
  nudge(): void;
  /** One pass: claims and handles what is due; returns how many messages were claimed. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Renders a claimed row; throws when its template or parameters are not (or no longer) valid. */
export function renderMail(mail: Pick<ClaimedMail, 'template' | 'params' | 'locale'>, productName: string): RenderedMail {
  if (!isMailTemplateId(mail.template)) throw new Error(`unknown mail template ${mail.template}`);
  const template = MAIL_TEMPLATES[mail.template];
  const context: MailContext = { locale: isLocale(mail.locale) ? mail.locale : 'en', productName };
  // Each template's own schema: the union of templates cannot be called with a union of params.
  const { render, params } = template as unknown as { render: (params: unknown, context: MailContext) => RenderedMail; params: { parse(value: unknown): unknown } };
  return render(params.parse(mail.params), context);
}

/** A claimed row's parameters: opened from their seal (rows queued before sealing keep plain ones). */
export function paramsOf(mail: Pick<ClaimedMail, 'id' | 'params' | 'sealedParams'>, box: SecretBox): unknown {
  return mail.sealedParams === null ? mail.params : JSON.parse(box.open(mail.sealedParams, mailParamsAad(mail.id)));
}

export function startMailSender(deps: {
  repository: Pick<MailOutboxRepository, 'claim' | 'markSent' | 'markFailed'>;
  /** Opens the parameters the outbox sealed. */
  box: SecretBox;
  transport: MailTransport;
  from: string;
  productName: () => Promise<string>;
  retryBaseMs: number;
  maxAttempts: number;
  metrics: Metrics;
  logger: Logger;
  timing?: Partial<SenderTiming>;
}): MailSender {
  const timing = { ...DEFAULT_SENDER_TIMING, ...deps.timing };
  const m = deps.metrics.mail;
  let stopped = false;
  let wake: (() => void) | undefined;
  let nudged = false;

  async function deliver(mail: ClaimedMail, productName: string): Promise<void> {
    let rendered: RenderedMail;
    try {
      rendered = renderMail({ ...mail, params: paramsOf(mail, deps.box) as ClaimedMail['params'] }, productName);
    } catch (error) {
      await deps.repository.markFailed(mail.id, mail.attempts, `cannot render: ${describeMailError(error)}`, undefined);
      m.failed.inc({ template: labelOf(mail.template), outcome: 'gave_up' });
      deps.logger.error('mail cannot be rendered; given up', { mailId: mail.id, template: mail.template });
      return;
    }
    try {
      await deps.transport.send({ id: mail.id, template: mail.template, from: deps.from, to: mail.recipient, ...rendered });
    } catch (error) {
      const giveUp = mail.attempts >= deps.maxAttempts;
      const retryAt = giveUp ? undefined : new Date(Date.now() + retryDelayMs(mail.attempts, deps.retryBaseMs));
      await deps.repository.markFailed(mail.id, mail.attempts, describeMailError(error), retryAt);
      m.failed.inc({ template: labelOf(mail.template), outcome: giveUp ? 'gave_up' : 'retry' });
      deps.logger.warn(giveUp ? 'mail delivery failed; given up' : 'mail delivery failed; will retry', { mailId: mail.id, template: mail.template, attempt: mail.attempts, error: describeMailError(error) });
      return;
    }
    await deps.repository.markSent(mail.id, mail.attempts);
    m.sent.inc({ template: labelOf(mail.template) });
  }

  async function runOnce(): Promise<number> {
    const claimed = await deps.repository.claim(timing.batchSize, timing.leaseMs);
    if (claimed.length === 0) return 0;
    const productName = await deps.productName();
    for (const mail of claimed) {
      if (stopped) break; // the rest come back to this or another sender after the lease
      await deliver(mail, productName);
    }
    return claimed.length;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      nudged = false;
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (error) {
        deps.logger.warn('mail outbox unreachable', { error: errorMessage(error) });
      }
      if (stopped) break;
      if (claimed === timing.batchSize || nudged) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timing.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  const running = loop();
  return {
    nudge() {
      nudged = true;
      wake?.();
    },
    runOnce,
    async stop() {
      stopped = true;
      wake?.();
      await running;
      deps.transport.close();
    },
  };
}

/** Template ids are a fixed set, but a row can hold anything: keep the label bounded. */
function labelOf(template: string): string {
  return isMailTemplateId(template) ? template : 'unknown';
}

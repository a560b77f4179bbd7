/**
 * The API every feature uses to send mail: `outbox.enqueue(executor, { to, template, locale,
 * params })` writes one message into `mail_outbox` on `executor` — the Kysely transaction the
 * caller's change runs in (or `db.primary` when there is none) — so the message exists exactly
 * when that change committed. Nothing is sent here; the sender (mail-sender.ts) delivers it.
 * - `template` is one of MAIL_TEMPLATES' ids and `params` exactly that template's parameters,
 *   checked by type and again by the template's schema, so a bad message fails in the request
 *   that made it rather than at sending time.
 * - `locale` defaults to the request's language (messages/locale-scope.ts).
 * - The parameters (a single-use link, a code) are sealed at rest with the secret box, the key
 *   ring of TOTP seeds (AAD `mail:<id>`, so they open for their own row only): a copy of the
 *   table holds no live link while a message waits. The sender opens them; `portcullis keys
 *   reseal` re-encrypts them after a key rotation.
 */
import { randomUUID } from 'node:crypto';
import type { MailOutboxRepository, PrimaryDb } from '@portcullis/db';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Locale } from '../messages/locales.js';
import { currentLocale } from '../messages/locale-scope.js';
import { MAIL_TEMPLATES, type MailParams, type MailTemplateId } from './templates/index.js';

/** The AAD a message's parameters are sealed with (keys/reseal.service.ts uses the same). */
export const mailParamsAad = (id: string) => `mail:${id}`;

export interface OutgoingMail<Id extends MailTemplateId> {
  to: string;
  template: Id;
  /** The recipient's language; the current request's when omitted. */
  locale?: Locale;
  params: MailParams<Id>;
  /** This message replaces the waiting ones of its template to its recipient (their link is dead). */
  replacesPending?: boolean;
}

export interface MailOutbox {
  /** Queues one message in `executor`'s transaction; returns its outbox id. */
  enqueue<Id extends MailTemplateId>(executor: PrimaryDb, mail: OutgoingMail<Id>): Promise<string>;
}

export function createMailOutbox(deps: {
  repository: Pick<MailOutboxRepository, 'insert' | 'dropPending'>;
  box: SecretBox;
  /** Told after each enqueue (metrics, and a nudge for the local sender). */
  onQueued?: (template: MailTemplateId) => void;
}): MailOutbox {
  return {
    async enqueue(executor, mail) {
      const params = MAIL_TEMPLATES[mail.template].params.parse(mail.params) as Record<string, unknown>;
      const id = randomUUID();
      if (mail.replacesPending) await deps.repository.dropPending(executor, mail.to, mail.template);
      const sealedParams = deps.box.seal(JSON.stringify(params), mailParamsAad(id));
      await deps.repository.insert(executor, { id, recipient: mail.to, template: mail.template, locale: mail.locale ?? currentLocale(), params: {}, sealedParams });
      deps.onQueued?.(mail.template);
      return id;
    },
  };
}

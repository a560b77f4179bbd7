/**
 * What the recovery flows send, as a port: the message kind, its recipient and language, and the
 * link when it carries one. `createRecoveryMail` connects it to the mail outbox (mail/,
 * docs/email.md): each kind is one template, and a message given a transaction is written in it,
 * so a link's mail exists exactly when the link does. The flows never see SMTP.
 */
import type { PrimaryDb } from '@portcullis/db';
import type { Locale } from '../messages/locales.js';
import type { MailOutbox } from '../mail/mail-outbox.js';

export type RecoveryMailMessage =
  | { kind: 'password-reset' | 'invite' | 'email-change-verify'; to: string; locale: Locale; link: string; lifetimeSeconds: number }
  | { kind: 'password-changed'; to: string; locale: Locale; passkeys: number }
  | { kind: 'email-change-notice'; to: string; locale: Locale; newEmail: string };

export interface RecoveryMail {
  /** Queues `message` in `executor`'s transaction (the primary by itself when none is given). */
  send(message: RecoveryMailMessage, executor?: PrimaryDb): Promise<void>;
}

export function createRecoveryMail(deps: { outbox: MailOutbox; primary: PrimaryDb }): RecoveryMail {
  return {
    async send(message, executor = deps.primary) {
      const base = { to: message.to, locale: message.locale };
      switch (message.kind) {
        case 'password-reset':
          await deps.outbox.enqueue(executor, { ...base, template: 'password_reset', params: { link: message.link, minutes: Math.round(message.lifetimeSeconds / 60) } });
          return;
        case 'invite':
          await deps.outbox.enqueue(executor, { ...base, template: 'account_invite', params: { link: message.link, hours: Math.max(1, Math.round(message.lifetimeSeconds / 3600)) } });
          return;
        case 'email-change-verify':
          await deps.outbox.enqueue(executor, { ...base, template: 'email_change_verify', params: { link: message.link, minutes: Math.round(message.lifetimeSeconds / 60) } });
          return;
        case 'password-changed':
          await deps.outbox.enqueue(executor, { ...base, template: 'password_changed', params: { passkeys: message.passkeys } });
          return;
        case 'email-change-notice':
          await deps.outbox.enqueue(executor, { ...base, template: 'email_change_notice', params: { newEmail: message.newEmail } });
      }
    },
  };
}

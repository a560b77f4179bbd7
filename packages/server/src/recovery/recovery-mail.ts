/**
 * What the recovery flows send, as a port: the message kind, its recipient and language, and the
 * link when it carries one. The composition root connects it to the mail outbox (mail/), which
 * renders the kind's template and delivers it; the flows never see SMTP.
 */
import type { Locale } from '../messages/locales.js';

export type RecoveryMailKind = 'password-reset' | 'invite' | 'password-changed' | 'email-change-verify' | 'email-change-notice';

export interface RecoveryMailMessage {
  kind: RecoveryMailKind;
  to: string;
  locale: Locale;
  /** The single-use link (reset, invite, email-change-verify); never logged. */
  link?: string;
  /** The new address, in the notice sent to the old one (email-change-notice). */
  newEmail?: string;
}

export interface RecoveryMail {
  send(message: RecoveryMailMessage): Promise<void>;
}

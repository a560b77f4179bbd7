/**
 * Every mail template, by id. Adding a message is one new file in this folder (a `defineTemplate`
 * with its parameter schema, see email-verification.template.ts) plus one line here; the outbox's
 * `enqueue` then accepts its id with exactly its parameters (docs/email.md).
 */
import type { z } from 'zod';
import { emailVerification } from './email-verification.template.js';
import { registrationAttempt } from './registration-attempt.template.js';
import { passwordReset } from './password-reset.template.js';
import { accountInvite } from './account-invite.template.js';
import { passwordChanged } from './password-changed.template.js';
import { emailChangeVerify } from './email-change-verify.template.js';
import { emailChangeNotice } from './email-change-notice.template.js';
import { passkeyAdded } from './passkey-added.template.js';

export const MAIL_TEMPLATES = {
  [emailVerification.id]: emailVerification,
  [registrationAttempt.id]: registrationAttempt,
  [passwordReset.id]: passwordReset,
  [accountInvite.id]: accountInvite,
  [passwordChanged.id]: passwordChanged,
  [emailChangeVerify.id]: emailChangeVerify,
  [emailChangeNotice.id]: emailChangeNotice,
  [passkeyAdded.id]: passkeyAdded,
} as const;

export type MailTemplateId = keyof typeof MAIL_TEMPLATES;
/** The parameters template `Id` takes (its schema's input). */
export type MailParams<Id extends MailTemplateId> = z.input<(typeof MAIL_TEMPLATES)[Id]['params']>;

export function isMailTemplateId(id: string): id is MailTemplateId {
  return Object.hasOwn(MAIL_TEMPLATES, id);
}

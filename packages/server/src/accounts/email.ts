/**
 * Email normalisation: trimmed, NFC, lower-cased. Lower-casing the local part is a deliberate
 * choice: almost every provider treats it case-insensitively, and two accounts that differ only
 * by case would surprise users and help attackers.
 */
import { z } from 'zod';
import { message } from '../messages/message.js';

export const emailSchema = z
  .string()
  .transform((value) => value.normalize('NFC').trim().toLowerCase())
  .pipe(z.email({ error: () => message('form.email_invalid') }).max(254, { error: () => message('form.email_too_long') }));

/**
 * What an audit event may say about the email typed for an unknown account: the email when it is
 * one, nothing otherwise (a password typed into the email field by mistake must not land in the
 * log).
 */
export function loggableEmail(email: string, accountId: string | undefined): { email?: string } {
  return !accountId && emailSchema.safeParse(email).success ? { email } : {};
}

export function normalizeEmail(value: string): string {
  return value.normalize('NFC').trim().toLowerCase();
}

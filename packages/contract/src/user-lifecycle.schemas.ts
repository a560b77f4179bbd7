/**
 * The admin API's account lifecycle (issue 14): what `users create|invite|reset-password|
 * reset-mfa|delete|export|verify-email` send and get back. Same conventions as
 * admin-api.schemas.ts: loose objects, ISO 8601 timestamps, `null` for "none".
 * No answer ever carries a password, a link, a seed, a recovery code or a passkey's key.
 */
import { z } from 'zod';
import { auditEventViewSchema, consentViewSchema, sessionViewSchema, userViewSchema } from './admin-api.schemas.js';

type View<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>;

/** The languages a mailed link's message can be written in (the server's messages tables). */
export const MAIL_LOCALES = ['en', 'de', 'fr'] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];
const mailLocale = z.enum(MAIL_LOCALES, { error: `locale must be one of ${MAIL_LOCALES.join(', ')}` });

/** `POST /admin/users`: an account without a password; `send_invite` mails a set-password link. */
export const createUserInputSchema = z.strictObject({
  email: z.string({ error: 'email is required' }).min(1, 'email is required').max(320, 'email is too long'),
  name: z.string().trim().min(1).max(200, 'name is too long').nullable().optional(),
  send_invite: z.boolean().optional(),
  locale: mailLocale.optional(),
});
export type CreateUserInput = z.input<typeof createUserInputSchema>;

/** `POST /admin/users/:idOrEmail/invite|reset-password`: the language of the message. */
export const sendLinkInputSchema = z.strictObject({ locale: mailLocale.optional() });
export type SendLinkInput = z.input<typeof sendLinkInputSchema>;

const createdUserShape = {
  user: userViewSchema,
  /** Whether a set-password link was mailed. */
  invited: z.boolean(),
};
export const createdUserSchema = z.looseObject(createdUserShape);
export type CreatedUser = View<typeof createdUserShape>;

const linkSentShape = {
  user: userViewSchema,
  /** `invite` (set a first password) or `reset` (replace a forgotten one). */
  purpose: z.enum(['invite', 'reset']),
};
export const linkSentSchema = z.looseObject(linkSentShape);
export type LinkSent = View<typeof linkSentShape>;

const mfaResetShape = {
  user: userViewSchema,
  totp_removed: z.boolean(),
  passkeys_removed: z.number(),
  sessions_ended: z.number(),
  grants_revoked: z.number(),
};
export const mfaResetSchema = z.looseObject(mfaResetShape);
export type MfaReset = View<typeof mfaResetShape>;

const deletedUserShape = {
  /** The id the audit log keeps; the email is gone from it. */
  id: z.string(),
  sessions_ended: z.number(),
  grants_revoked: z.number(),
};
export const deletedUserSchema = z.looseObject(deletedUserShape);
export type DeletedUser = View<typeof deletedUserShape>;

/** Everything stored about a person (`GET /admin/users/:idOrEmail/export`), secrets left out. */
const userExportShape = {
  exported_at: z.string(),
  account: z.looseObject({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    email_verified: z.boolean(),
    disabled: z.boolean(),
    /** Whether a password is set; never the password or its hash. */
    has_password: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  }),
  consents: z.array(consentViewSchema),
  sessions: z.array(sessionViewSchema),
  mfa: z.looseObject({
    /** The authenticator app: when it was set up; never its seed. */
    totp: z.looseObject({ enabled: z.boolean(), enabled_at: z.string().nullable(), created_at: z.string() }).nullable(),
    /** When each recovery code was made and used; never the codes or their digests. */
    recovery_codes: z.array(z.looseObject({ created_at: z.string(), used_at: z.string().nullable() })),
    /** Each passkey's name and dates; never its public key or credential id. */
    passkeys: z.array(z.looseObject({ name: z.string().nullable(), created_at: z.string(), last_used_at: z.string().nullable() })),
  }),
  /** The audit events about the person: by account id, and failed sign-ins that named the email. */
  audit_events: z.array(auditEventViewSchema),
};
export const userExportSchema = z.looseObject(userExportShape);
export type UserExport = View<typeof userExportShape>;

/**
 * Initial access tokens for dynamic client registration (RFC 7591 §3), as the admin API and the
 * `portcullis clients registration-token` commands see them. The token itself is in the answer to
 * create only; the server keeps a hash of it.
 */
import { z } from 'zod';

/** One minute to one year: a token that lives for ever is a standing invitation. */
export const REGISTRATION_TOKEN_MIN_SECONDS = 60;
export const REGISTRATION_TOKEN_MAX_SECONDS = 365 * 24 * 3600;
/** Without `expires_in`, a token expires after a day. */
export const REGISTRATION_TOKEN_DEFAULT_SECONDS = 24 * 3600;
export const REGISTRATION_TOKEN_MAX_USES = 100_000;

/** The body of `POST /admin/registration-tokens`; without `max_uses` a token may be used until it expires. */
export const registrationTokenCreateInputSchema = z.strictObject({
  expires_in: z
    .number()
    .int()
    .min(REGISTRATION_TOKEN_MIN_SECONDS, `expires_in must be at least ${REGISTRATION_TOKEN_MIN_SECONDS} seconds`)
    .max(REGISTRATION_TOKEN_MAX_SECONDS, `expires_in must be at most ${REGISTRATION_TOKEN_MAX_SECONDS} seconds (a year)`)
    .optional(),
  max_uses: z.number().int().min(1, 'max_uses must be at least 1').max(REGISTRATION_TOKEN_MAX_USES).optional(),
});
export type RegistrationTokenCreateInput = z.input<typeof registrationTokenCreateInputSchema>;

export const REGISTRATION_TOKEN_STATES = ['active', 'expired', 'used_up', 'revoked'] as const;

const registrationTokenViewShape = {
  id: z.string(),
  /** Present once: in the answer to create. */
  token: z.string().optional(),
  state: z.enum(REGISTRATION_TOKEN_STATES),
  expires_at: z.string(),
  max_uses: z.number().nullable(),
  uses: z.number(),
  revoked_at: z.string().nullable(),
  created_at: z.string(),
};
export const registrationTokenViewSchema = z.looseObject(registrationTokenViewShape);
export type RegistrationTokenView = z.output<z.ZodObject<typeof registrationTokenViewShape>>;
export const registrationTokenListSchema = z.looseObject({ tokens: z.array(registrationTokenViewSchema) });

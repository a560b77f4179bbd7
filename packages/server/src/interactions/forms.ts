/**
 * The interaction forms, parsed with zod at the edge. Length caps stop oversized input before
 * any expensive work (argon2 runs only on a password that passed these checks). Error texts are
 * functions, so they are written in the language of the request that fails, not at import.
 */
import { z } from 'zod';
import { message } from '../messages/message.js';

export const csrfField = z.string().max(200);
const csrf = csrfField;
/** Long enough for any real password (the policy allows 256 code points, up to 4 bytes each). */
const password = z.string().min(1, { error: () => message('form.password_required') }).max(1024, { error: () => message('form.password_too_long') });

export const loginForm = z.object({
  csrf,
  email: z.string().max(320, { error: () => message('form.email_too_long') }),
  password,
});

export const registerForm = z.object({
  csrf,
  email: z.string().max(320, { error: () => message('form.email_too_long') }),
  name: z.string().trim().max(200, { error: () => message('form.name_too_long') }).optional().transform((v) => (v ? v : null)),
  password,
});

export const csrfOnlyForm = z.object({ csrf });

/** A TOTP code as typed (spaces allowed); matchStep decides whether it is six digits. */
export const totpForm = z.object({ csrf, code: z.string().max(64) });

export const recoveryCodeForm = z.object({ csrf, recovery_code: z.string().max(64) });

/** `?email=` on the registration page (carried from sign-in): a prefill only, so anything odd is dropped. */
export const prefillEmail = z.string().max(320).regex(/^[^\p{Cc}]*$/u).transform((value) => value.trim());

/** What the passkey script posts: the ceremony's result as JSON (webauthn.ts parses it). */
export const passkeyForm = z.object({ csrf, response: z.string().min(1).max(12 * 1024) });

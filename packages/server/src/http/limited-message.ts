/**
 * What a person sees when a limit refuses a form (a 429), on the sign-in pages and the account
 * page alike; the texts live in messages/, the limits themselves in limits/.
 * - Any brute-force or anti-automation limit: `limit.too_many_attempts`.
 * - The per-account password limit refusing a device that never signed in to the account
 *   (SECURITY.md A14): `limit.new_device`, which says what to do instead. It is shown for any
 *   email, known or not (A2).
 */
import { message } from '../messages/message.js';

export const limitedMessage = (): string => message('limit.too_many_attempts');

export function newDeviceLimitedMessage(retryAfterSeconds: number): string {
  return message('limit.new_device', { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) });
}

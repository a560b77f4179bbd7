/**
 * What a person sees when a limit refuses a form (a 429), on the sign-in pages and the account
 * page alike; the texts live in messages/, the limits themselves in limits/.
 * - Any brute-force or anti-automation limit: "too many attempts" with the real wait, the same
 *   number of seconds the 429's Retry-After carries (`limit.retry_in_seconds` up to 90 s, then
 *   `limit.retry_in_minutes`, rounded up).
 * - The per-account password limit refusing a device that never signed in to the account
 *   (SECURITY.md A14): `limit.new_device`, which says what to do instead. It is shown for any
 *   email, known or not (A2).
 */
import { message } from '../messages/message.js';

export function limitedMessage(retryAfterSeconds: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return seconds <= 90 ? message('limit.retry_in_seconds', { seconds }) : message('limit.retry_in_minutes', { minutes: Math.ceil(seconds / 60) });
}

export function newDeviceLimitedMessage(retryAfterSeconds: number): string {
  return message('limit.new_device', { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) });
}

/**
 * What the admin API's list endpoints accept in their query, so the CLI can refuse a bad flag
 * before a request (exit 2) with the server's own bounds.
 * - `limit`: 1 to LIST_LIMIT_MAX items a page (users, audit events).
 * - `since` (audit): a count and a unit, `15m`, `24h` or `7d`, at most a year back.
 */

/** The most items one list request returns; the server refuses more. */
export const LIST_LIMIT_MAX = 1000;

/** The shape of a look-back window: up to six digits and a unit (minutes, hours, days). */
export const DURATION_PATTERN = /^(\d{1,6})([mhd])$/;

const UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_MS = 366 * UNITS.d;

/** A look-back window in milliseconds, or undefined when it is malformed, zero or over a year. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
  return ms > 0 && ms <= MAX_MS ? ms : undefined;
}

/** `15m`, `24h`, `7d`: a look-back window for the audit log, at most a year. */
const UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_MS = 366 * UNITS.d;

export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([mhd])$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
  return ms > 0 && ms <= MAX_MS ? ms : undefined;
}

/** The message of anything thrown, for a log field or a wrapping error (a rejection may be any value). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

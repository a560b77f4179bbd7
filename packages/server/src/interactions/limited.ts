/** What a person sees when a brute-force or anti-automation limit refuses a form (a 429). */
export const LIMITED_MESSAGE = 'Too many attempts. Wait a few minutes and try again.';

/**
 * What a person sees when the per-account password limit refuses a device that never signed in
 * to the account (SECURITY.md A14). It is shown for any email, known or not (A2).
 */
export function newDeviceLimitedMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return 'Sign-in to this account is temporarily limited on new devices after many failed attempts. '
    + `Use a device you have signed in from before, wait ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an administrator to unlock the account.`;
}

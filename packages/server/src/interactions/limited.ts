/** What a person sees when a brute-force or anti-automation limit refuses a form (a 429). */
export const LIMITED_MESSAGE = 'Too many attempts. Wait a few minutes and try again.';

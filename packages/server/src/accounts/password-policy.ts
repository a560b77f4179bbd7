/**
 * Password rules after NIST SP 800-63B §3.1.1.2 and OWASP ASVS V6 (SECURITY.md A3):
 * - at least `minLength` characters (8 by default; 15 recommended on the page), counted as
 *   Unicode code points after NFC normalisation, so any script counts fairly;
 * - up to 256 characters accepted and never truncated (argon2 hashes the whole input);
 * - no composition rules;
 * - refused when it appears in the common-password list shipped by @zxcvbn-ts/language-common
 *   (its `passwords-common` dictionary, ~49,000 entries drawn from public breach corpora), compared
 *   case-insensitively.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem = 'too_short' | 'too_long' | 'common';

export interface PasswordPolicy {
  minLength: number;
  check(password: string): PasswordProblem | undefined;
}

export function loadCommonPasswords(): ReadonlySet<string> {
  const list = (dictionary as Record<string, string[]>)['passwords-common'] ?? [];
  return new Set(list.map((p) => p.toLowerCase()));
}

export function createPasswordPolicy(minLength: number, common: ReadonlySet<string>): PasswordPolicy {
  return {
    minLength,
    check(password) {
      const length = [...password.normalize('NFC')].length;
      if (length < minLength) return 'too_short';
      if (length > PASSWORD_MAX_LENGTH) return 'too_long';
      if (common.has(password.toLowerCase())) return 'common';
      return undefined;
    },
  };
}

/**
 * A name a person reads on a page they decide on (a client's name on the consent page). Control
 * characters (Unicode Cc), line and paragraph separators and the bidirectional formatting
 * characters are refused: a right-to-left override (U+202E) makes "Notes\u202Eexe.txt" read as
 * another name, the "Trojan Source" trick (CVE-2021-42574; Unicode UAX #9 §2 lists the
 * formatting characters). Joiners (U+200C, U+200D) stay: scripts and emoji need them.
 */
const UNSAFE = /[\p{Cc}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** Why `name` cannot be shown as a name, or undefined when it can. */
export function displayNameProblem(name: string): string | undefined {
  const found = UNSAFE.exec(name);
  if (!found) return undefined;
  const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `must not contain control or bidirectional formatting characters (U+${code})`;
}

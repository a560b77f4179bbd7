/**
 * Redirect URI rules (SECURITY.md R1, R3; RFC 9700 §2.1, §4.1):
 * - absolute, no fragment, no userinfo;
 * - `https`, or `http` only for loopback hosts (127.0.0.1, [::1], localhost), which development
 *   and native apps need;
 * - no `javascript:`, `data:` or other schemes (custom schemes for native apps can be added when a
 *   native-app client type exists).
 * Matching at the authorization endpoint is exact; the provider does that.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/** Returns a reason when the URI is not acceptable, undefined when it is. */
export function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https (or http for a loopback host)';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return 'http is only allowed for loopback hosts';
  if (url.hash !== '' || value.includes('#')) return 'must not contain a fragment';
  if (url.username !== '' || url.password !== '') return 'must not contain user information';
  return undefined;
}

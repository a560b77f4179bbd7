/**
 * The address a limit is keyed on. It is Koa's `ctx.ip`: the socket's peer, or the first
 * X-Forwarded-For entry only when TRUST_PROXY is on and Nginx overwrites that header
 * (SECURITY.md R14), so a client cannot move its own limits by sending the header.
 * - IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is the IPv4 address.
 * - Other IPv6 addresses count by their /64: one host can use the whole /64, so per-address
 *   limits keyed on a full address would give it 2^64 fresh budgets.
 */
import { isIPv6 } from 'node:net';

export function limitAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Whether `ip` is one of the configured exempt addresses (compared after normalising). */
export function createExemption(exempt: readonly string[]): (ip: string) => boolean {
  const set = new Set(exempt.map(limitAddress));
  return (ip) => set.has(limitAddress(ip));
}

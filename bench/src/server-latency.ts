/**
 * Latency as the server itself measured it: the request-duration histogram every instance
 * exports on its admin listener (`portcullis_http_request_duration_seconds`), read before and
 * after a run. Beside the load generator's figures it separates time inside the app from time
 * queued outside it (Nginx, the kernel, a load generator sharing the same two cores).
 * The p99 is interpolated within histogram buckets, as Prometheus' histogram_quantile does, so
 * it is only as fine as the buckets (5, 10, 25, 50 ms …).
 */

const METRIC = 'portcullis_http_request_duration_seconds_bucket';

/** Cumulative 2xx counts per bucket bound (seconds) for one method and route, summed over instances. */
export type Buckets = Map<number, number>;

export interface RouteRef {
  method: string;
  route: string;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
  return labels;
}

export async function readBuckets(adminUrls: readonly string[], ref: RouteRef): Promise<Buckets> {
  const buckets: Buckets = new Map();
  for (const url of adminUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${METRIC}{`)) continue;
      const close = line.lastIndexOf('}');
      const labels = parseLabels(line.slice(METRIC.length + 1, close));
      if (labels.listener !== 'public' || labels.method !== ref.method || labels.route !== ref.route || !labels.status?.startsWith('2')) continue;
      const bound = labels.le === '+Inf' ? Infinity : Number(labels.le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(close + 1).trim()));
    }
  }
  return buckets;
}

/** The p99 in milliseconds of the requests counted between two readings; undefined if none. */
export function p99Between(before: Buckets, after: Buckets): number | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((bound) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return undefined;
  const rank = 0.99 * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i]! < rank) continue;
    const upper = bounds[i]!;
    const lower = i === 0 ? 0 : bounds[i - 1]!;
    if (upper === Infinity) return lower * 1000;
    const below = i === 0 ? 0 : counts[i - 1]!;
    const within = counts[i]! - below;
    const fraction = within > 0 ? (rank - below) / within : 1;
    return +((lower + (upper - lower) * fraction) * 1000).toFixed(1);
  }
  return undefined;
}

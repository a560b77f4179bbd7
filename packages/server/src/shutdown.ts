/**
 * A graceful stop on SIGTERM, in the order a load balancer needs:
 * 1. readiness turns false (`drain`), so health-checking balancers stop routing here;
 * 2. after `readinessGraceMs` the public listeners stop accepting; idle keep-alive connections
 *    close, and every response not yet sent says `Connection: close` (`trackResponses`, called
 *    when the listeners start), so a proxy never
 *    sends a new request down a connection that is about to go away (Nginx retries a refused
 *    connection on the other instance: `proxy_next_upstream error`);
 * 3. in-flight requests finish, bounded by `drainMs` (10 s), then whatever is left is cut;
 * 4. the admin listener closes; the mail sender finishes the message in hand and stops (what it
 *    had claimed but not started returns to the other instances when its lease ends,
 *    docs/email.md); pools and Redis close, shipped logs flush.
 */
import type http from 'node:http';

export interface ShutdownDeps {
  publicServers: http.Server[];
  adminServers: http.Server[];
  drain(): void;
  close(): Promise<void>;
  flush(): Promise<void>;
  log(message: string, fields?: Record<string, unknown>): void;
  readinessGraceMs?: number;
  drainMs?: number;
}

const CLOSING = new WeakSet<http.Server>();
const TRACKED = new WeakMap<http.Server, Set<http.ServerResponse>>();

/**
 * Remembers each server's unanswered responses, so a close can still mark them
 * `Connection: close`; call right after listening.
 */
export function trackResponses(servers: http.Server[]): void {
  for (const server of servers) {
    const open = new Set<http.ServerResponse>();
    TRACKED.set(server, open);
    server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      if (CLOSING.has(server)) res.setHeader('Connection', 'close');
      open.add(res);
      res.once('close', () => open.delete(res));
    });
  }
}

/** Closes servers: new connections refused at once, open ones given `drainMs` to finish. */
export async function closeGracefully(servers: http.Server[], drainMs: number): Promise<boolean> {
  for (const server of servers) {
    CLOSING.add(server);
    for (const res of TRACKED.get(server) ?? []) if (!res.headersSent) res.setHeader('Connection', 'close');
  }
  let timer: NodeJS.Timeout | undefined;
  const closed = Promise.all(servers.map((server) => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  })));
  // A keep-alive connection that finishes its last request after close() goes idle and would
  // stay open until the proxy's keep-alive timeout; close those as they appear.
  const sweeper = setInterval(() => servers.forEach((server) => server.closeIdleConnections()), 100);
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), drainMs);
  });
  const finished = await Promise.race([closed.then(() => true as const), timedOut]);
  clearTimeout(timer);
  clearInterval(sweeper);
  if (!finished) servers.forEach((server) => server.closeAllConnections());
  return finished;
}

export async function shutDown(deps: ShutdownDeps, signal: string): Promise<void> {
  const started = Date.now();
  deps.drain();
  deps.log('shutting down: not ready', { signal });
  await new Promise((resolve) => setTimeout(resolve, deps.readinessGraceMs ?? 0));
  const clean = await closeGracefully(deps.publicServers, deps.drainMs ?? 10_000);
  deps.log('public listener closed', { inFlightFinished: clean, ms: Date.now() - started });
  await closeGracefully(deps.adminServers, 1000);
  await deps.close();
  deps.log('stopped', { ms: Date.now() - started });
  await deps.flush();
}

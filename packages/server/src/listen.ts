/**
 * Starts the HTTP listeners. HOST=localhost binds both loopback addresses (127.0.0.1 and ::1),
 * so `localhost` works whichever one a client resolves first; any other HOST binds just that.
 */
import http from 'node:http';
import type Koa from 'koa';

export async function listen(app: Koa, host: string, port: number): Promise<http.Server[]> {
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
  const servers: http.Server[] = [];
  for (const address of hosts) {
    const handler = app.callback();
    const server = http.createServer((req, res) => void handler(req, res));
    // Bound slow clients: headers within 10 s, whole request within 30 s.
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: address, port, ipv6Only: address.includes(':') }, () => resolve());
      });
      servers.push(server);
    } catch (error) {
      // A machine without IPv6 still serves on IPv4 loopback.
      if (address === '::1' && ['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes((error as NodeJS.ErrnoException).code ?? '')) continue;
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      throw error;
    }
  }
  return servers;
}

export async function closeAll(servers: http.Server[]): Promise<void> {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  })));
}

/**
 * A free TCP port on 127.0.0.1 for a server a test is about to start (PostgreSQL, Redis, the
 * app's own listeners). The port is released before it is returned, so a race with another
 * process is possible but harmless on a test machine.
 */
import net from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

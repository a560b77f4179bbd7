/**
 * Process entry point: read the environment, build, listen, and shut down cleanly on SIGTERM or
 * SIGINT. A bad configuration prints every problem and exits 1 before anything starts.
 */
import { ConfigError, loadConfig } from '@portcullis/config';
import { createPortcullis } from './composition-root.js';
import { listen } from './listen.js';
import { shutDown, trackResponses } from './shutdown.js';
import { flushLogger } from './observability/logger.js';
import { errorMessage } from './error-message.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createPortcullis(config);
  const publicServers = await listen(app.publicApp, config.http.host, config.http.port);
  const adminServers = await listen(app.adminApp, config.admin.host, config.admin.port);
  trackResponses([...publicServers, ...adminServers]);
  const adminHost = config.admin.host.includes(':') ? `[${config.admin.host}]` : config.admin.host;
  app.logger.info('portcullis started', { mode: config.mode, issuer: config.issuer, admin: `http://${adminHost}:${config.admin.port}` });
  if (process.stdout.isTTY || config.mode === 'embedded') {
    const lines = [
      '',
      `  Portcullis is running (${config.mode} mode)`,
      `  Issuer:    ${config.issuer}   (discovery: ${config.issuer}/.well-known/openid-configuration)`,
      `  Admin API: http://${adminHost}:${config.admin.port}   (use: pnpm portcullis --help)`,
      ...(config.demo ? [`  Demo:      open ${config.issuer}/demo and press "Sign in"`] : []),
      ...(config.mode === 'embedded' ? [`  Data:      ${config.dataDir}`] : []),
      '',
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    await shutDown({
      publicServers,
      adminServers,
      drain: () => app.drain(),
      close: () => app.close(),
      flush: () => flushLogger(app.logger),
      log: (message, fields) => app.logger.info(message, fields),
      // Balancers that poll /readyz (Kubernetes, HAProxy) get a moment to notice; Nginx's
      // passive checks retry a refused connection on the next instance instead.
      readinessGraceMs: config.shutdown.readinessGraceMs,
      drainMs: 10_000,
    }, signal);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`portcullis: failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});

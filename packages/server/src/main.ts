/**
 * Process entry point: read the environment, build, listen, and shut down cleanly on SIGTERM or
 * SIGINT. A bad configuration prints every problem and exits 1 before anything starts.
 */
import { ConfigError, loadConfig } from '@portcullis/config';
import { createPortcullis } from './composition-root.js';
import { describeStartupError, listenOn } from './startup-error.js';
import { lockDataDir, type DataDirLock } from './secrets/data-dir-lock.js';
import { writeAdminFile } from './secrets/admin-file.js';
import { shutDown, trackResponses } from './shutdown.js';
import { flushLogger } from './observability/logger.js';

let config: ReturnType<typeof loadConfig> | undefined;

async function main(): Promise<void> {
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // One server per DATA_DIR, before anything there is opened (secrets/data-dir-lock.ts).
  const lock: DataDirLock | undefined = config.mode === 'embedded' ? lockDataDir(config.dataDir) : undefined;
  const app = await createPortcullis(config);
  const publicServers = await listenOn('PORT', app.publicApp, config.http.host, config.http.port);
  const adminServers = await listenOn('ADMIN_PORT', app.adminApp, config.admin.host, config.admin.port);
  trackResponses([...publicServers, ...adminServers]);
  const adminHost = config.admin.host.includes(':') ? `[${config.admin.host}]` : config.admin.host;
  // The CLI finds this server by itself (secrets/admin-file.ts); a wildcard bind is dialled on loopback.
  const removeAdminFile = config.mode === 'embedded'
    ? await writeAdminFile(config.dataDir, { adminUrl: `http://${dialHost(adminHost)}:${config.admin.port}`, adminToken: app.adminToken })
    : undefined;
  app.logger.info('portcullis started', { mode: config.mode, issuer: config.issuer, admin: `http://${adminHost}:${config.admin.port}`, mail: app.mail.delivery ?? 'none' });
  if (process.stdout.isTTY || config.mode === 'embedded') {
    const lines = [
      '',
      `  Portcullis is running (${config.mode} mode)`,
      `  Issuer:    ${config.issuer}   (discovery: ${config.issuer}/.well-known/openid-configuration)`,
      `  Admin API: http://${adminHost}:${config.admin.port}   (use: npm run portcullis -- --help)`,
      ...(config.demo ? [`  Demo:      open ${config.issuer}/demo and press "Sign in"`] : []),
      ...(config.mode === 'embedded' ? [`  Data:      ${config.dataDir}`] : []),
      // Where mail goes (mail/mail.module.ts): SMTP, .eml files in DATA_DIR/mail, or nowhere yet.
      `  Mail:      ${app.mail.delivery ? `${app.mail.delivery}${config.mail.smtpUrl ? '' : ' (set SMTP_URL to send)'}` : 'not sent by this instance (no SMTP_URL); it waits in the outbox'}`,
      '',
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
  }

  const readinessGraceMs = config.shutdown.readinessGraceMs;
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
      readinessGraceMs,
      drainMs: 10_000,
    }, signal);
    removeAdminFile?.();
    lock?.release();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function dialHost(host: string): string {
  return host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host;
}

main().catch((error: unknown) => {
  process.stderr.write(`portcullis: failed to start: ${describeStartupError(error, config)}\n`);
  process.exit(1);
});

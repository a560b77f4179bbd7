/**
 * The embedded server the bench measures, in a process of its own so its CPU time can be read
 * from /proc apart from the load generator's. It is `main.ts` with two differences a benchmark
 * needs: PGlite in memory (a fresh database each run) and every anti-automation limit lifted,
 * because the bench sends thousands of requests a second from one address and one client.
 * The per-account password limit keeps its default: it counts failures, and the bench has none.
 */
import { loadConfig } from '@portcullis/config';
import { closeAll, createLogger, createPortcullis, listen } from '@portcullis/server';
import type { LimitPolicy } from '@portcullis/server/limits/limit-policy.js';

const UNLIMITED = { points: 1_000_000_000, durationSeconds: 1 };
const lifted: Partial<LimitPolicy> = {
  passwordPerAccountAndAddress: [UNLIMITED],
  passwordPerAddress: UNLIMITED,
  mfaPerAccountAndAddress: [UNLIMITED],
  mfaPerAddress: UNLIMITED,
  registrationPerAddress: UNLIMITED,
  tokenFailuresPerClientAndAddress: UNLIMITED,
  tokenFailuresPerAddress: UNLIMITED,
};

const config = loadConfig({ LOG_LEVEL: 'error', DEMO: 'false', HOST: '127.0.0.1', RATE_LIMIT_EXEMPT: '127.0.0.1,::1', ...process.env });
const app = await createPortcullis(config, { inMemoryDatabase: true, logger: createLogger('error'), limits: lifted });
const servers = [...(await listen(app.publicApp, config.http.host, config.http.port)), ...(await listen(app.adminApp, config.admin.host, config.admin.port))];
// The parent waits for this line: the admin token is generated per data directory.
process.stdout.write(`${JSON.stringify({ ready: true, issuer: config.issuer, adminToken: app.adminToken })}\n`);

const stop = async () => {
  await closeAll(servers);
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

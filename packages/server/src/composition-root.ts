/**
 * The one place that builds everything: config in, a running set of apps out. Every dependency
 * is created here and passed down explicitly; nothing below reads globals or the environment.
 */
import type Koa from 'koa';
import type { Config } from '@portcullis/config';
import {
  createAccountRepository,
  createClientRepository,
  createConsentRepository,
  createOidcPayloadRepository,
  createSigningKeyRepository,
  migrateToLatest,
  openDatabase,
  type Database,
} from '@portcullis/db';
import { createLogger, type Logger } from './observability/logger.js';
import { resolveSecrets } from './secrets/embedded-secrets.js';
import { createSecretBox } from './crypto/secret-box.js';
import { createSigningKeysService } from './keys/signing-keys.service.js';
import { createPayloadAdapterClass } from './oidc/payload.adapter.js';
import { createClientAdapter } from './oidc/client.adapter.js';
import { buildProviderConfiguration } from './oidc/configuration.js';
import { createProviderHolder, type ProviderHolder } from './oidc/provider.factory.js';
import { RETIRED_KEY_PUBLISH_SECONDS } from './oidc/lifetimes.js';
import { createPasswordHasher } from './accounts/password-hasher.js';
import { createPasswordPolicy, loadCommonPasswords } from './accounts/password-policy.js';
import { createAccountService } from './accounts/account.service.js';
import { createClientService } from './clients/client.service.js';
import { createCsrf } from './interactions/csrf.js';
import { interactionRoutes } from './interactions/interaction.routes.js';
import { createDemoRelyingParty, registerDemoClient } from './demo/demo-client.js';
import { demoRoutes } from './demo/demo.routes.js';
import { createPublicApp } from './http/public.app.js';
import { createAdminApp } from './admin/admin.app.js';

export interface Portcullis {
  config: Readonly<Config>;
  logger: Logger;
  db: Database;
  holder: ProviderHolder;
  publicApp: Koa;
  adminApp: Koa;
  adminToken: string;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Embedded mode only: keep PGlite in memory instead of DATA_DIR (tests). */
  inMemoryDatabase?: boolean;
  logger?: Logger;
}

export async function createPortcullis(config: Readonly<Config>, options: BuildOptions = {}): Promise<Portcullis> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const secrets = await resolveSecrets(config);
  const db = await openDatabase(config, { inMemory: options.inMemoryDatabase ?? false });
  const timers: NodeJS.Timeout[] = [];
  try {
    await migrateToLatest(db);
    const accounts = createAccountRepository(db);
    const clients = createClientRepository(db);
    const consents = createConsentRepository(db);
    const payloads = createOidcPayloadRepository(db);
    const box = createSecretBox(secrets.encryptionKey);

    const keys = createSigningKeysService({ repository: createSigningKeyRepository(db), box, retiredKeyPublishSeconds: RETIRED_KEY_PUBLISH_SECONDS });
    await keys.ensureInitial();

    const PayloadAdapter = createPayloadAdapterClass(payloads);
    const clientAdapter = createClientAdapter(clients, box);
    const adapter = (name: string) => (name === 'Client' ? clientAdapter : new PayloadAdapter(name));
    const holder = await createProviderHolder({
      issuer: config.issuer,
      trustProxy: config.http.trustProxy,
      keys,
      logger,
      configure: (jwks) => buildProviderConfiguration({ issuer: config.issuer, cookieKeys: secrets.cookieKeys, jwks, adapter, accounts, consents }),
    });

    const accountService = createAccountService({
      accounts,
      hasher: await createPasswordHasher(),
      policy: createPasswordPolicy(config.passwordMinLength, loadCommonPasswords()),
    });
    const clientService = createClientService({ clients, box });
    const csrf = createCsrf(secrets.cookieKeys);

    const routers = [interactionRoutes({ getProvider: () => holder.current(), accountService, csrf, consents, accounts, passwordMinLength: config.passwordMinLength })];
    const ownPrefixes = ['/interaction', '/assets'];
    if (config.demo) {
      await registerDemoClient(clientService, config.issuer);
      routers.push(demoRoutes({ issuer: config.issuer, rp: createDemoRelyingParty(config.issuer), logger }));
      ownPrefixes.push('/demo');
    }

    const publicApp = createPublicApp({ issuer: config.issuer, trustProxy: config.http.trustProxy, cookieKeys: secrets.cookieKeys, logger, holder, routers, ownPrefixes });
    const adminApp = createAdminApp({ adminToken: secrets.adminToken, logger, clients: clientService, accounts, keys, holder, db });

    // Housekeeping: drop expired OIDC rows; notice key rotations made by other instances.
    const sweep = () => payloads.deleteExpired(new Date()).catch((error: Error) => logger.warn('expired sweep failed', { error: error.message }));
    const poll = () => holder.refreshKeys().catch((error: Error) => logger.warn('key reload failed', { error: error.message }));
    timers.push(setInterval(() => void sweep(), 10 * 60 * 1000).unref(), setInterval(() => void poll(), 30 * 1000).unref());

    return {
      config,
      logger,
      db,
      holder,
      publicApp,
      adminApp,
      adminToken: secrets.adminToken,
      async close() {
        timers.forEach(clearInterval);
        await db.close();
      },
    };
  } catch (error) {
    timers.forEach(clearInterval);
    await db.close().catch(() => undefined);
    throw error;
  }
}

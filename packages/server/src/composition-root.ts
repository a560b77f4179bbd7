/**
 * The one place that builds everything: config in, a running set of apps out. Every dependency
 * is created here and passed down explicitly; nothing below reads globals or the environment.
 *
 * Where the provider's artefacts (sessions, interactions, codes, tokens, grants), the rate-limit
 * counters and the change feed live is decided once, by `buildStores` (stores/build-stores.ts),
 * from `config.redisUrl` alone. Clients always stay in SQL. The SQL engine is a separate choice
 * (PGlite embedded, PostgreSQL in production), so a test can pair embedded PGlite with a real
 * Redis by setting `redisUrl` on the Config it builds; the environment schema still allows
 * REDIS_URL only in production mode.
 */
import type Koa from 'koa';
import type { Config } from '@portcullis/config';
import {
  createAccountRepository,
  createClientRepository,
  createConsentRepository,
  createSettingsRepository,
  createSigningKeyRepository,
  createMfaRepository,
  createPasskeyRepository,
  createAuditRepository,
  migrateToLatest,
  openDatabase,
  type Database,
  createSealedValueRepository,
  createResourceRepository,
  createRegistrationTokenRepository,
  createAccountLifecycleRepository,
  createAccountLinkRepository,
  createEmailVerificationRepository,
} from '@portcullis/db';
import type { Writable } from 'node:stream';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createRequestContext } from './observability/request-context.js';
import { observeRequests } from './observability/request-observer.middleware.js';
import { attachProviderMetrics } from './observability/provider-metrics.js';
import { auditLogouts } from './oidc/logout-audit.js';
import { observeAudit } from './observability/audit-observer.js';
import { instrumentHasher } from './observability/instrumented-hasher.js';
import { startDependencyProbe } from './observability/dependency-probe.js';
import { resolveSecrets } from './secrets/embedded-secrets.js';
import { secureDataDir } from './secrets/data-dir.js';
import { createSecretBox } from './crypto/secret-box.js';
import { announcingRotations, createSigningKeysService } from './keys/signing-keys.service.js';
import { buildStores } from './stores/build-stores.js';
import { protectAdapter } from './stores/protected.adapter.js';
import type { Stores } from './stores/stores.js';
import { createClientAdapter } from './oidc/client.adapter.js';
import { createClientCache, invalidatingClientRepository } from './oidc/client-cache.js';
import { buildProviderConfiguration } from './oidc/configuration.js';
import type { UnsafeTestOnlyJwksOrigin } from './oidc/jwks-fetch-guard.js';
import { createProviderHolder, type ProviderHolder } from './oidc/provider.factory.js';
import { deviceFlowMiddleware } from './oidc/device-flow.js';
import { RETIRED_KEY_PUBLISH_SECONDS } from './oidc/lifetimes.js';
import { createPasswordHasher } from './accounts/password-hasher.js';
import { createPasswordPolicy, loadCommonPasswords } from './accounts/password-policy.js';
import { createAccountService } from './accounts/account.service.js';
import { createClientService } from './clients/client.service.js';
import { createApiScopes } from './oidc/api-scopes.js';
import { createCsrf } from './interactions/csrf.js';
import { createInteractionModule } from './interactions/interaction.module.js';
import { createDemoModule } from './demo/demo.module.js';
import { assetsModule } from './http/assets.js';
import { createPublicApp } from './http/public.app.js';
import { createAdminApp } from './admin/admin.app.js';
import { createKeyRotation } from './keys/key-rotation.service.js';
import { createResealService } from './keys/reseal.service.js';
import { createMfaService } from './mfa/mfa.service.js';
import { createAuditService } from './audit/audit.service.js';
import { createBrandingService } from './branding/branding.service.js';
import { createSealedCookies } from './http/sealed-cookie.js';
import { createAccountModule } from './account-page/account.module.js';
import { createOwnIssuerFetch } from './oidc/own-issuer.js';
import { createLimits } from './limits/limits.js';
import { limitPolicy, type LimitPolicy } from './limits/limit-policy.js';
import { createGuardedSignIn } from './accounts/guarded-sign-in.js';
import { createSignInService } from './accounts/sign-in.service.js';
import { createSessionEnding } from './accounts/session-ending.js';
import { createPasswordChangeService } from './accounts/password-change.service.js';
import { createSecondFactorService } from './mfa/second-factor.service.js';
import { createDeviceCookies } from './interactions/device-cookie.js';
import { createSessionInfoStore, recordSessionActivity } from './oidc/session-info.js';
import { createAccountArtefacts } from './oidc/account-artefacts.js';
import { createConnectedApps } from './consents/connected-apps.service.js';
import { createConsentService } from './consents/consent.service.js';
import { createUsersService } from './accounts/users.service.js';
import { createAccountLifecycle } from './accounts/account-lifecycle.service.js';
import { createFactorRemoval } from './mfa/factor-removal.js';
import { createFactors, secondStepDue } from './mfa/factors/index.js';
import { createRelyingParty } from './passkeys/webauthn.js';
import { createPasskeyCredentials } from './passkeys/passkey-credentials.js';
import { createPasskeyService } from './passkeys/passkey.service.js';
import { errorMessage } from './error-message.js';
import { createResourceRegistry } from './resources/resource-registry.js';
import { createResourceService } from './resources/resource.service.js';
import { createRegistrationTokensService } from './clients/registration-tokens.service.js';
import { createRegisteredClients } from './clients/registered-clients.js';
import { registrationGate } from './oidc/registration-gate.js';
import { auditRegistrations } from './oidc/registration.js';
import { createRefreshReplay } from './oidc/refresh-replay.js';
import { createAccountLinks, type AccountLinks } from './recovery/account-links.service.js';
import { createPasswordReset } from './recovery/password-reset.service.js';
import { createEmailChange } from './recovery/email-change.service.js';
import { createRecoveryModule } from './recovery/recovery.module.js';
import type { RecoveryOptions } from './recovery/recovery-options.js';
import { createRecoveryMail } from './recovery/recovery-mail.js';
import { startMail, type Mail } from './mail/mail.module.js';
import { createEmailLimits } from './limits/email-limits.js';
import { createEmailVerificationService } from './accounts/email-verification.service.js';
import { createRegistrationService } from './accounts/registration.service.js';
import type { SenderTiming } from './mail/mail-sender.js';

export interface Portcullis {
  config: Readonly<Config>;
  logger: Logger;
  /** The one metrics registry of this instance, served at GET /metrics on the admin listener. */
  metrics: Metrics;
  db: Database;
  /** Where the provider's artefacts, the rate-limit counters and the change feed live (stores/). */
  stores: Stores;
  holder: ProviderHolder;
  /** The mail outbox (`mail.outbox.enqueue`) and this instance's sender (mail/, docs/email.md). */
  mail: Mail;
  /**
   * Single-use account links (recovery/account-links.service.ts): `sendPasswordLink(accountId,
   * 'reset' | 'invite', locale)` mails a reset or invitation link and never returns it. The
   * admin routes get this same service.
   */
  accountLinks: AccountLinks;
  publicApp: Koa;
  adminApp: Koa;
  adminToken: string;
  /** SIGTERM's first step: /readyz answers 503 from now on, so load balancers stop sending. */
  drain(): void;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Embedded mode only: keep PGlite in memory instead of DATA_DIR (tests). */
  inMemoryDatabase?: boolean;
  logger?: Logger;
  /** Where log lines go instead of stdout when no `logger` is given (tests capture them). */
  logStream?: Writable;
  /** Node.js process metrics; on unless a test turns them off. */
  processMetrics?: boolean;
  /** Replaces some rate limits (tests: short windows, small counts). */
  limits?: Partial<LimitPolicy>;
  /** Tests only, never from the environment: oidc/jwks-fetch-guard.ts `UnsafeTestOnlyJwksOrigin`. */
  unsafeTestOnlyJwksOrigin?: UnsafeTestOnlyJwksOrigin;
  /** Account links' clock and lifetimes, the forgot-password floor (tests; recovery/). */
  recovery?: RecoveryOptions;
  /** The mail sender's poll, batch and lease (tests: a short poll). */
  mailTiming?: Partial<SenderTiming>;
}

export async function createPortcullis(config: Readonly<Config>, options: BuildOptions = {}): Promise<Portcullis> {
  const logger = options.logger ?? createLogger(config.logLevel, { stream: options.logStream, shipUrl: config.observability.logShipUrl });
  const metrics = createMetrics({ maxClientLabels: config.observability.maxClientLabels, processMetrics: options.processMetrics });
  const requestContext = createRequestContext();
  let draining = false;
  // Embedded mode keeps secrets and the database in DATA_DIR: 0700, or no start (secrets/data-dir.ts).
  if (config.mode === 'embedded') await secureDataDir(config.dataDir, logger);
  const secrets = await resolveSecrets(config);
  const db = await openDatabase(config, {
    inMemory: options.inMemoryDatabase ?? false,
    onReaderFallback: (error) => {
      metrics.internals.readerFallbacks.inc();
      logger.warn('reader unreachable; reading from the primary', { error: errorMessage(error) });
    },
    onQuery: (handle, ms, failed) => metrics.internals.queryDuration.observe({ handle, outcome: failed ? 'error' : 'ok' }, ms / 1000),
  });
  const timers: NodeJS.Timeout[] = [];
  let stores: Stores | undefined;
  let mail: Mail | undefined;
  try {
    stores = await buildStores(config, { db, logger, metrics });
    const { payloads, sessionIndex, changeFeed } = stores;
    await migrateToLatest(db);
    const accounts = createAccountRepository(db);
    // Client metadata is cached per instance. A write through this repository drops the
    // client here and announces it on the stores' change feed to the other instances, which
    // drop it too; a rotation of the signing keys is announced the same way.
    const clientCache = createClientCache();
    const clients = invalidatingClientRepository(createClientRepository(db), (clientId) => {
      clientCache.invalidate(clientId);
      void changeFeed.publish({ kind: 'client', clientId });
    });
    const consents = createConsentRepository(db);
    const consent = createConsentService({ consents });
    const box = createSecretBox(secrets.encryptionKeys);
    const mfa = createMfaService({ repository: createMfaRepository(db), box, issuerName: `Portcullis (${new URL(config.issuer).host})` });
    // Passkeys: the relying party is this issuer (its host the RP ID, its origin the only origin).
    const passkeyRepository = createPasskeyRepository(db);
    const relyingParty = createRelyingParty({ issuer: config.issuer });
    const passkeyCredentials = createPasskeyCredentials({ repository: passkeyRepository, rp: relyingParty });
    const factors = createFactors({ mfa, passkeys: passkeyCredentials });
    const audit = observeAudit(createAuditService({ repository: createAuditRepository(db), logger }), { logger, metrics, context: requestContext });

    const keys = announcingRotations(createSigningKeysService({ repository: createSigningKeyRepository(db), box, retiredKeyPublishSeconds: RETIRED_KEY_PUBLISH_SECONDS }), () => void changeFeed.publish({ kind: 'keys' }));
    await keys.ensureInitial();

    // Every adapter is guarded: a storage outage reaches the provider as a 503, not a 500.
    // The provider's scopes: OpenID Connect's and every client's API scopes (oidc/api-scopes.ts).
    const apiScopes = createApiScopes({ rebuild: () => holder.rebuild(), onRebuildError: (error) => logger.warn('provider rebuild failed', { error: errorMessage(error) }) });
    for (const client of await clients.list()) apiScopes.learn(client.metadata.scope);
    const scopeSeen = (scope: unknown) => void apiScopes.learnAndRebuild(scope);
    // Resource servers (RFC 8707), all in memory; their scopes are served like clients' API
    // scopes. Loaded before the first provider is built, so it starts knowing them.
    const resourceRepository = createResourceRepository(db);
    const resourceRegistry = createResourceRegistry({ load: () => resourceRepository.list(), scopesSeen: (scope) => apiScopes.learnAndRebuild(scope) });
    for (const resource of await resourceRepository.list()) apiScopes.learn(resource.scopes.join(' '));
    // Dynamic client registration (RFC 7591, DYNAMIC_REGISTRATION): initial access tokens, and the
    // clients the provider saves, stored like the admin API's (oidc/registration.ts).
    const registrationTokens = createRegistrationTokensService({ tokens: createRegistrationTokenRepository(db), audit });
    const clientRegistration = config.dynamicRegistration === 'off' ? undefined : {
      clients: createRegisteredClients({ clients, box, revokeGrants: (clientId) => artefacts.revokeAllGrantsOfClient(clientId) }),
      gate: registrationGate({ mode: config.dynamicRegistration, tokens: registrationTokens, limit: (ip) => limits.clientRegistration(ip) }),
    };
    const clientAdapter = protectAdapter(createClientAdapter(clients, box, clientCache, scopeSeen, clientRegistration?.clients), { metrics, backend: 'reader', model: 'Client' });
    // A refresh token repeated within REFRESH_REUSE_WINDOW gets the same answer (oidc/refresh-replay.ts).
    const refreshReplay = config.refreshReuseWindowSeconds > 0 ? createRefreshReplay({ windowSeconds: config.refreshReuseWindowSeconds, shortTerm: stores.shortTerm, box, audit }) : undefined;
    const adapter = (name: string) => (name === 'Client' ? clientAdapter : name === 'RefreshToken' && refreshReplay ? refreshReplay.wrap(payloads(name)) : payloads(name));
    // Device, address and times of each session, in the sessions' own store (oidc/session-info.ts).
    const sessionInfo = createSessionInfoStore(adapter('SessionInfo'));
    // Counters are shared when instances share a store; in memory otherwise (stores/).
    const limits = createLimits({ policy: limitPolicy(options.limits, config.rateLimits), counters: stores.counters, exempt: config.rateLimitExempt });
    const holder = await createProviderHolder({
      issuer: config.issuer,
      trustProxy: config.http.trustProxy,
      keys,
      logger,
      use: [...stores.providerMiddleware, recordSessionActivity(sessionInfo), deviceFlowMiddleware({ userCodes: limits.userCode, counters: stores.counters }), ...(clientRegistration ? [clientRegistration.gate] : []), ...(refreshReplay ? [refreshReplay.middleware] : [])],
      onBuild: (provider) => {
        attachProviderMetrics(provider, metrics, requestContext);
        auditLogouts(provider, audit);
        auditRegistrations(provider, audit);
      },
      configure: (jwks) => buildProviderConfiguration({ issuer: config.issuer, cookieKeys: secrets.cookieKeys, jwks, adapter, accounts, consent, secondStepDue: (accountId) => secondStepDue(factors, accountId), apiScopes, resources: resourceRegistry, dynamicRegistration: config.dynamicRegistration, unsafeTestOnlyJwksOrigin: options.unsafeTestOnlyJwksOrigin }),
    });

    const hasher = instrumentHasher(await createPasswordHasher(), metrics);
    const policy = createPasswordPolicy(config.passwordMinLength, loadCommonPasswords());
    const accountService = createAccountService({ accounts, hasher, policy });
    const signIn = createGuardedSignIn({ accountService, guard: limits.password, audit });
    const csrf = createCsrf(secrets.cookieKeys);
    const sealed = createSealedCookies({ box, secure: config.issuer.startsWith('https://') });
    const devices = createDeviceCookies({ secure: config.issuer.startsWith('https://'), key: secrets.cookieKeys[0]! });
    const getProvider = () => holder.current();
    // The session index follows where sessions are stored.
    const artefacts = createAccountArtefacts({
      getProvider,
      info: sessionInfo,
      listIdsByAccount: sessionIndex.listIdsByAccount,
      listGrantIdsByClient: sessionIndex.listGrantIdsByClient,
      onBackchannelError: (clientId, error) => logger.warn('back-channel logout failed', { clientId, error: errorMessage(error) }),
    });
    // Deleting a client revokes its grants, in whichever store holds them.
    const clientService = createClientService({ clients, box, revokeGrants: (clientId) => artefacts.revokeAllGrantsOfClient(clientId),
      forgetConsents: (clientId) => consents.revokeForClient(clientId), audit,
      scopesStored: (scope) => apiScopes.learnAndRebuild(scope) });
    const connectedApps = createConnectedApps({ consents, artefacts, audit });
    const reloadResources = () => resourceRegistry.reload().catch((error: unknown) => logger.warn('resource reload failed', { error: errorMessage(error) }));
    await resourceRegistry.reload();
    const resources = createResourceService({ resources: resourceRepository, audit, changed: async () => {
      await reloadResources();
      void changeFeed.publish({ kind: 'resource' });
    } });

    // Every way a session ends, every code check and every password change goes through one
    // service each, which owns its limits, audit events and side effects.
    const ending = createSessionEnding({ artefacts, audit });
    const secondFactor = createSecondFactorService({ mfa, factors, guard: limits.mfa, audit, sessions: ending });
    const passwords = createPasswordChangeService({ accounts, hasher, policy, signIn, sessions: ending, audit });
    const users = createUsersService({ accounts, limits, audit, ending, mfaStatus: (accountId) => secondFactor.status(accountId), passkeyCount: (accountId) => passkeyRepository.countForAccount(accountId) });
    const passkeys = createPasskeyService({ repository: passkeyRepository, credentials: passkeyCredentials, rp: relyingParty, guard: limits.mfa, audit, sessions: ending, users, hasSecondFactor: (accountId) => secondFactor.isEnabled(accountId),
      // The outbox starts a few lines below; a passkey is only ever added once the server runs.
      notifyAdded: async ({ accountId, name, locale }) => {
        const account = await users.findById(accountId);
        if (account && mail) await mail.outbox.enqueue(db.primary, { to: account.email, locale, template: 'passkey_added', params: { name } });
      } });
    // What every page shows of the operator: BRAND_* variables, overridden by `branding set`.
    const branding = createBrandingService({ settings: createSettingsRepository(db), environment: config.branding, audit });
    // The outbox every feature writes its mail into, and this instance's sender (mail/).
    mail = startMail({ config, db, box, metrics, logger, productName: async () => (await branding.current()).productName, timing: options.mailTiming });
    // Email verification and registration that never says an address is taken (accounts/).
    const emailLimits = createEmailLimits({ policy: limits.policy, make: stores.counters, isExempt: (ip) => limits.isExempt(ip) });
    const emailVerification = createEmailVerificationService({ verifications: createEmailVerificationRepository(db), outbox: mail.outbox, limits: emailLimits, audit, primary: db.primary });
    const registration = createRegistrationService({ primary: db.primary, accounts, verification: emailVerification, outbox: mail.outbox, hasher, policy, limits, emailLimits, audit });
    const recoveryMail = createRecoveryMail({ outbox: mail.outbox, primary: db.primary });
    // Single-use account links (reset, invitation, email change), mailed through the outbox.
    // `accountLinks.sendPasswordLink` is what the admin routes use to reset or invite (recovery/).
    const accountLinks = createAccountLinks({ links: createAccountLinkRepository(db), mail: recoveryMail, issuer: config.issuer, now: options.recovery?.now, lifetimes: options.recovery?.lifetimes });
    // Every second factor at once: an admin's reset-mfa or delete, a reset that proves an unconfirmed address.
    const lifecycleRepository = createAccountLifecycleRepository(db);
    const factorRemoval = createFactorRemoval({ removeTotp: (accountId, within) => lifecycleRepository.removeTotp(accountId, within), removePasskeys: (accountId, within) => passkeyRepository.deleteAllForAccount(accountId, within) });
    const passwordReset = createPasswordReset({ links: accountLinks, accounts, hasher, policy, ending, audit, limits, mail: recoveryMail, factors: factorRemoval, passkeys: passkeyRepository, minimumMs: options.recovery?.minimumMs });
    const emailChange = createEmailChange({ links: accountLinks, accounts, signIn, limits, audit, mail: recoveryMail });
    // The admin's account lifecycle: create, invite, reset, delete, export (issue 14).
    const lifecycle = createAccountLifecycle({ repository: lifecycleRepository, users, audit, ending, connectedApps, registration: config.registration, links: accountLinks,
      factors: factorRemoval,
      listPasskeys: (accountId) => passkeyRepository.listForAccount(accountId) });

    // The built-in clients reach this instance on its own listener, not over the public URL (oidc/own-issuer.ts).
    const ownFetch = createOwnIssuerFetch(config.issuer, config.http);
    // The public listener's features, mounted in this order; each owns its prefix (http/feature-module.ts).
    const modules = [
      assetsModule(),
      createInteractionModule({ resources: resourceRegistry, getProvider, signIn: createSignInService({ guarded: signIn, registration, audit, secondStepDue: (accountId) => secondFactor.isEnabled(accountId) }), devices, csrf, consent, users, passwordMinLength: config.passwordMinLength, registration: config.registration, secondFactor, sealed, passkeys, passwordReset,
        issuer: config.issuer, emailVerification }),
      // The account page, in every mode.
      await createAccountModule({
        issuer: config.issuer, passwordMinLength: config.passwordMinLength, logger, getProvider, clients: clientService, users, passwords, secondFactor, audit, sealed, csrf, ending, connectedApps, devices, ownFetch, passkeys, emailChange,
      }),
      createRecoveryModule({ csrf, passwordReset, emailChange, passwordMinLength: config.passwordMinLength }),
      ...(config.demo ? [await createDemoModule({ issuer: config.issuer, clients: clientService, logger, ownFetch })] : []),
    ];

    const publicApp = createPublicApp({ issuer: config.issuer, trustProxy: config.http.trustProxy, cookieKeys: secrets.cookieKeys, logger, holder, modules, limits, branding, observe: observeRequests({ listener: 'public', logger, metrics, context: requestContext }) });
    const adminApp = createAdminApp({ adminToken: secrets.adminToken, logger, clients: clientService, resources, registrationTokens, users, keys, rotation: createKeyRotation({ keys, refreshProvider: async () => void (await holder.refreshKeys()), audit }), reseal: createResealService({ sealed: createSealedValueRepository(db), box, audit }), db, audit, connectedApps, lifecycle, branding, store: stores,
      metrics, observe: observeRequests({ listener: 'admin', logger, metrics, context: requestContext }), draining: () => draining });

    // Housekeeping: notice key rotations made by other instances (each store sweeps its own
    // expired artefacts).
    const poll = () => holder.refreshKeys().catch((error: unknown) => logger.warn('key reload failed', { error: errorMessage(error) }));
    // The backstop for a lost `resource` announcement (resources/resource-registry.ts).
    timers.push(setInterval(() => void reloadResources(), 30 * 1000).unref());
    // Listening starts once there is a provider to reload; nothing is cached before it.
    await changeFeed.listen({
      onChange: (change) => {
        if (change.kind === 'resource') return void reloadResources();
        if (change.kind !== 'client') return void poll();
        clientCache.invalidate(change.clientId);
        // A client stored by another instance may bring an API scope this one does not serve yet.
        void clients.findByIdOnPrimary(change.clientId).then((client) => client && scopeSeen(client.metadata.scope), () => undefined);
      },
      onResync: () => {
        clientCache.invalidateAll();
        void poll();
        void reloadResources();
      },
    });

    const probe = startDependencyProbe({ db, metrics, store: stores, draining: () => draining });
    await probe.probe();

    timers.push(setInterval(() => void poll(), 30 * 1000).unref());

    return {
      config,
      logger,
      metrics,
      db,
      stores,
      holder,
      mail,
      accountLinks,
      publicApp,
      adminApp,
      adminToken: secrets.adminToken,
      drain() {
        draining = true;
        metrics.ready.set(0);
      },
      async close() {
        timers.forEach(clearInterval);
        probe.stop();
        // The message in hand is finished (or left to its lease) before the pools close.
        await mail?.stop();
        await stores?.close();
        await db.close();
      },
    };
  } catch (error) {
    timers.forEach(clearInterval);
    await mail?.stop().catch(() => undefined);
    await stores?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}

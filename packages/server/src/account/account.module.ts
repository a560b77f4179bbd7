/**
 * Builds the account page from what the composition root already made: registers its client,
 * and wires sessions, the password change (with the store-specific session index) and routes.
 */
import type Router from '@koa/router';
import type Provider from 'oidc-provider';
import type { AccountRepository } from '@portcullis/db';
import type { ClientService } from '../clients/client.service.js';
import type { MfaService } from '../mfa/mfa.service.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SealedCookies } from '../http/sealed-cookie.js';
import type { Csrf } from '../interactions/csrf.js';
import type { Logger } from '../observability/logger.js';
import type { PasswordHasher } from '../accounts/password-hasher.js';
import type { PasswordPolicy } from '../accounts/password-policy.js';
import { createPasswordChangeService } from '../accounts/password-change.service.js';
import type { AccountArtefacts } from '../oidc/account-artefacts.js';
import { createAccountRelyingParty, registerAccountClient } from './account-client.js';
import { createAccountSessions } from './account-session.js';
import { createAccountPages } from './account-pages.js';
import { accountAuthRoutes } from './account-auth.routes.js';
import { accountRoutes } from './account.routes.js';
import { accountSessionRoutes } from './account-sessions.routes.js';
import { accountAppsRoutes } from './account-apps.routes.js';
import type { ConnectedApps } from '../consents/connected-apps.service.js';
import type { AttemptGuard } from '../limits/attempt-guard.js';

export interface AccountModuleDeps {
  issuer: string;
  passwordMinLength: number;
  logger: Logger;
  getProvider: () => Provider;
  clients: ClientService;
  accounts: AccountRepository;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  mfa: MfaService;
  audit: AuditService;
  sealed: SealedCookies;
  csrf: Csrf;
  artefacts: AccountArtefacts;
  /** "Connected apps": the consents the person gave, and their withdrawal. */
  connectedApps: ConnectedApps;
  /** The sign-in password limits also count the account page's current-password checks. */
  passwordGuard: AttemptGuard;
}

export async function createAccountModule(deps: AccountModuleDeps): Promise<{ routers: Router[]; prefix: string }> {
  await registerAccountClient(deps.clients, deps.issuer);
  const sessions = createAccountSessions({ getProvider: deps.getProvider, accounts: deps.accounts, secure: deps.issuer.startsWith('https://') });
  const pages = createAccountPages({ sessions, csrf: deps.csrf, sealed: deps.sealed });
  const { artefacts } = deps;
  const passwords = createPasswordChangeService({ accounts: deps.accounts, hasher: deps.hasher, policy: deps.policy, artefacts });
  return {
    prefix: '/account',
    routers: [
      accountAuthRoutes({ issuer: deps.issuer, rp: createAccountRelyingParty(deps.issuer), sessions, pages, audit: deps.audit, logger: deps.logger }),
      accountRoutes({ pages, mfa: deps.mfa, passwords, artefacts, audit: deps.audit, passwordMinLength: deps.passwordMinLength, passwordGuard: deps.passwordGuard }),
      accountSessionRoutes({ pages, artefacts, audit: deps.audit }),
      accountAppsRoutes({ pages, connectedApps: deps.connectedApps }),
    ],
  };
}

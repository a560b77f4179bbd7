/**
 * Builds the account page from what the composition root already made: registers its client,
 * and wires its sessions, pages and routes to the services (password change, second factor,
 * session ending). The result is one feature module: everything under `/account`.
 */
import type Provider from 'oidc-provider';
import type { UsersService } from '../accounts/users.service.js';
import type { ClientService } from '../clients/client.service.js';
import type { SecondFactorService } from '../mfa/second-factor.service.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SealedCookies } from '../http/sealed-cookie.js';
import type { Csrf } from '../interactions/csrf.js';
import type { Logger } from '../observability/logger.js';
import { routerModule, type FeatureModule } from '../http/feature-module.js';
import type { PasswordChangeService } from '../accounts/password-change.service.js';
import type { SessionEnding } from '../accounts/session-ending.js';
import { ACCOUNT_CLIENT_ID, registerAccountClient } from './account-client.js';
import { createOwnRelyingParty, type OwnIssuerFetch } from '../oidc/own-issuer.js';
import { createAccountSessions } from './account-session.js';
import { createAccountPages } from './account-pages.js';
import { accountAuthRoutes } from './account-auth.routes.js';
import { accountRoutes } from './account.routes.js';
import { accountSessionRoutes } from './account-sessions.routes.js';
import { accountAppsRoutes } from './account-apps.routes.js';
import { accountPasskeyRoutes } from './account-passkeys.routes.js';
import type { PasskeyService } from '../passkeys/passkey.service.js';
import type { DeviceCookies } from '../interactions/device-cookie.js';
import type { ConnectedApps } from '../consents/connected-apps.service.js';
import type { EmailChangeService } from '../recovery/email-change.service.js';
import { accountEmailRoutes } from './account-email.routes.js';

export interface AccountModuleDeps {
  issuer: string;
  passwordMinLength: number;
  logger: Logger;
  /** How the account client reaches this server (oidc/own-issuer.ts). */
  ownFetch: OwnIssuerFetch;
  getProvider: () => Provider;
  clients: ClientService;
  users: Pick<UsersService, 'findById'>;
  passwords: PasswordChangeService;
  secondFactor: SecondFactorService;
  audit: AuditService;
  sealed: SealedCookies;
  csrf: Csrf;
  ending: SessionEnding;
  /** "Connected apps": the consents the person gave, and their withdrawal. */
  connectedApps: ConnectedApps;
  devices: DeviceCookies;
  passkeys: PasskeyService;
  /** "Email address": a verification link to the new address (recovery/). */
  emailChange: EmailChangeService;
}

export async function createAccountModule(deps: AccountModuleDeps): Promise<FeatureModule> {
  await registerAccountClient(deps.clients, deps.issuer);
  const sessions = createAccountSessions({ getProvider: deps.getProvider, users: deps.users, secure: deps.issuer.startsWith('https://') });
  const pages = createAccountPages({ sessions, csrf: deps.csrf, sealed: deps.sealed, hasSecondFactor: (accountId) => deps.secondFactor.isEnabled(accountId) });
  return routerModule(
    '/account',
    accountAuthRoutes({ issuer: deps.issuer, rp: createOwnRelyingParty({ issuer: deps.issuer, clientId: ACCOUNT_CLIENT_ID, ownFetch: deps.ownFetch, logger: deps.logger }), sessions, pages, ending: deps.ending, logger: deps.logger }),
    accountRoutes({ pages, devices: deps.devices, secondFactor: deps.secondFactor, passwords: deps.passwords, passwordMinLength: deps.passwordMinLength, passkeys: deps.passkeys }),
    accountPasskeyRoutes({ pages, passkeys: deps.passkeys }),
    accountSessionRoutes({ pages, ending: deps.ending }),
    accountAppsRoutes({ pages, connectedApps: deps.connectedApps }),
    accountEmailRoutes({ pages, devices: deps.devices, emailChange: deps.emailChange }),
  );
}

/** Every migration, in order. Names are date-prefixed and never change once released. */
import type { Migration } from 'kysely/migration';
import * as initial from './2026-11-28T0001-initial.js';
import * as mfa from './2026-11-28T1400-mfa.js';
import * as auditEvents from './2026-11-28T1401-audit-events.js';
import * as noPendingTotp from './2026-12-03T0900-no-pending-totp.js';
import * as grantsByClient from './2026-12-03T1000-grants-by-client.js';
import * as settings from './2026-12-03T1200-settings.js';
import * as mailOutbox from './2026-12-03T1500-mail-outbox.js';
import * as emailVerifications from './2026-12-03T1501-email-verifications.js';
import * as emailCodeGuesses from './2026-12-03T1507-email-code-guesses.js';
import * as mailParamsSealed from './2026-12-03T1508-mail-params-sealed.js';
import * as accountLinks from './2026-12-03T1510-account-links.js';
import * as accountPasskeys from './2026-12-03T1520-account-passkeys.js';
import * as accountWithoutPassword from './2026-12-03T1525-account-without-password.js';
import * as resources from './2026-12-03T1530-resources.js';
import * as registrationTokens from './2026-12-03T1600-registration-tokens.js';

export const migrations: Record<string, Migration> = {
  '2026-11-28T0001-initial': initial,
  '2026-11-28T1400-mfa': mfa,
  '2026-11-28T1401-audit-events': auditEvents,
  '2026-12-03T0900-no-pending-totp': noPendingTotp,
  '2026-12-03T1000-grants-by-client': grantsByClient,
  '2026-12-03T1200-settings': settings,
  '2026-12-03T1500-mail-outbox': mailOutbox,
  '2026-12-03T1501-email-verifications': emailVerifications,
  '2026-12-03T1507-email-code-guesses': emailCodeGuesses,
  '2026-12-03T1508-mail-params-sealed': mailParamsSealed,
  '2026-12-03T1510-account-links': accountLinks,
  '2026-12-03T1520-account-passkeys': accountPasskeys,
  '2026-12-03T1525-account-without-password': accountWithoutPassword,
  '2026-12-03T1530-resources': resources,
  '2026-12-03T1600-registration-tokens': registrationTokens,
};

/**
 * The consent step. First-party clients, and third-party clients whose remembered consent
 * already covers the request, pass straight through (the provider still asks, for example when
 * `offline_access` implies `prompt=consent`). A `prompt=consent` the client sent itself always
 * shows the page (OIDC Core §3.1.2.1, SECURITY.md A17; oidc/offline-access.ts tells the two
 * apart). Otherwise the page lists what the client asks for; "Allow" stores the consent
 * server-side, per account and client, until the person removes it under "Connected apps".
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import type { AccountRepository, ConsentRepository } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import { sendPage } from '../http/render.js';
import { consentView } from '../views/consent.view.js';
import { isFirstParty } from '../oidc/client-flags.js';
import { consentPromptExplicit } from '../oidc/offline-access.js';
import type { Csrf } from './csrf.js';
import { describeScopes } from './scope-descriptions.js';
import { nonceOf } from '../http/request-state.js';
import { interactionPaths } from './paths.js';

export interface ConsentDeps {
  getProvider(): Provider;
  consents: ConsentRepository;
  accounts: AccountRepository;
  csrf: Csrf;
}

export function createConsentHandlers(deps: ConsentDeps) {
  const requestedScopes = (details: Interaction) => (typeof details.params.scope === 'string' ? details.params.scope : '').split(' ').filter(Boolean);

  async function grantAndFinish(ctx: Context, details: Interaction, remember: boolean): Promise<void> {
    const provider = deps.getProvider();
    const accountId = details.session?.accountId;
    if (!accountId || details.prompt.name !== 'consent') throw new AppError('interaction.consent_not_pending');
    const clientId = String(details.params.client_id);
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId });
    if (!grant) throw new AppError('interaction.expired');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    if (remember) await deps.consents.grant(accountId, clientId, requestedScopes(details));
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    ctx.respond = false;
  }

  async function alreadyConsented(details: Interaction, accountId: string, clientId: string): Promise<boolean> {
    const client = await deps.getProvider().Client.find(clientId);
    if (!client) throw new AppError('interaction.expired');
    if (isFirstParty(client)) return true;
    const consent = await deps.consents.find(accountId, clientId);
    return consent !== undefined && requestedScopes(details).every((s) => consent.scopes.includes(s));
  }

  return {
    async show(ctx: Context, details: Interaction): Promise<void> {
      const accountId = details.session?.accountId;
      const clientId = String(details.params.client_id);
      if (!accountId) throw new AppError('interaction.expired');
      if (!consentPromptExplicit(details.params) && (await alreadyConsented(details, accountId, clientId))) return grantAndFinish(ctx, details, false);
      const [client, account] = await Promise.all([deps.getProvider().Client.find(clientId), deps.accounts.findById(accountId)]);
      sendPage(ctx, 200, consentView({
        nonce: nonceOf(ctx),
        csrfToken: deps.csrf.tokenFor(details.uid),
        allowAction: interactionPaths(details.uid).consent,
        denyAction: interactionPaths(details.uid).deny,
        clientName: client?.clientName ?? clientId,
        scopes: describeScopes(requestedScopes(details)),
        accountEmail: account?.email ?? '',
      }));
    },
    allow: (ctx: Context, details: Interaction) => grantAndFinish(ctx, details, true),
  };
}

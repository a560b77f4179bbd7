/**
 * The consent step. A request the consent service passes through (consents/consent.service.ts:
 * covered, and no `prompt=consent` of the client's own) finishes without a page; the provider
 * still asks, for example when `offline_access` implies `prompt=consent`. Otherwise the page
 * lists what the client asks for; "Allow" has the service store the consent, per account and
 * client, until the person removes it under "Connected apps".
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { AppError } from '../http/app-error.js';
import { sendPage } from '../http/render.js';
import { allowImageOrigin } from '../http/security-headers.js';
import { consentView } from '../views/consent.view.js';
import { message } from '../messages/message.js';
import { isDynamicallyRegistered } from '../oidc/client-flags.js';
import type { Csrf } from './csrf.js';
import { describeScopes } from './scope-descriptions.js';
import { nonceOf } from '../http/request-state.js';
import { interactionPaths } from './paths.js';
import { requestedScopes, type ConsentService } from '../consents/consent.service.js';
import type { UsersService } from '../accounts/users.service.js';
import type { ResourceRegistry } from '../resources/resource-registry.js';
import { qualifiedResourceScopes, requestedResources, resourceScopesOf, type ResourceScopes } from '../consents/resource-consent.js';

export interface ConsentDeps {
  getProvider(): Provider;
  consent: ConsentService;
  users: Pick<UsersService, 'findById'>;
  csrf: Csrf;
  /** Resource servers (RFC 8707): their names and scopes on the page. */
  resources?: Pick<ResourceRegistry, 'find'>;
}

export function createConsentHandlers(deps: ConsentDeps) {
  /** What the request asks of each registered resource it names (consents/resource-consent.ts). */
  const resourceScopes = (details: Interaction): ResourceScopes =>
    resourceScopesOf(requestedResources(details.params), requestedScopes(details.params), (identifier) => deps.resources?.find(identifier)?.scopes);
  async function grantAndFinish(ctx: Context, details: Interaction, remember: boolean): Promise<void> {
    const provider = deps.getProvider();
    const accountId = details.session?.accountId;
    if (!accountId || details.prompt.name !== 'consent') throw new AppError('interaction.consent_not_pending');
    const grantId = await deps.consent.allow(provider, {
      accountId,
      clientId: String(details.params.client_id),
      ...(details.grantId && { grantId: details.grantId }),
      missing: details.prompt.details,
      requested: requestedScopes(details.params),
      remember,
      resources: resourceScopes(details),
    });
    if (!grantId) throw new AppError('interaction.expired');
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    ctx.respond = false;
  }

  return {
    async show(ctx: Context, details: Interaction): Promise<void> {
      const accountId = details.session?.accountId;
      const clientId = String(details.params.client_id);
      if (!accountId) throw new AppError('interaction.expired');
      const requested = requestedScopes(details.params);
      const client = await deps.getProvider().Client.find(clientId);
      // A remembered consent covers a resource's scopes only when it names them with that resource.
      const covering = [...requested, ...qualifiedResourceScopes(resourceScopes(details))];
      if (await deps.consent.passesThrough(details.params, accountId, client, covering)) return grantAndFinish(ctx, details, false);
      const account = await deps.users.findById(accountId);
      const registered = client !== undefined && isDynamicallyRegistered(client);
      sendPage(ctx, 200, consentView({
        nonce: nonceOf(ctx),
        csrfToken: deps.csrf.tokenFor(details.uid),
        allowAction: interactionPaths(details.uid).consent,
        denyAction: interactionPaths(details.uid).deny,
        // A client that registered itself (RFC 7591) is marked as not checked by the operator,
        // and shows no logo or links of its own choosing (a tracking image, a borrowed look).
        ...(registered ? { clientName: client.clientName ?? message('view.consent.unnamed_client'), unverified: true } : { clientName: client?.clientName ?? clientId, ...clientBranding(ctx, client) }),
        // Scopes that belong to a requested resource are listed under it, with its name.
        ...consentScopes(requested, resourceScopes(details), (identifier) => deps.resources?.find(identifier)?.name ?? identifier),
        accountEmail: account?.email ?? '',
      }));
    },
    allow: (ctx: Context, details: Interaction) => grantAndFinish(ctx, details, true),
  };
}

/**
 * The client's logo and links from its registration (logo_uri, client_uri, policy_uri, tos_uri),
 * each an https URL (@portcullis/contract); the logo's origin is let into this page's img-src.
 */
function clientBranding(ctx: Context, client: { logoUri?: unknown; clientUri?: unknown; policyUri?: unknown; tosUri?: unknown } | undefined) {
  const https = (value: unknown) => (typeof value === 'string' && value.startsWith('https://') ? value : undefined);
  const [logo, site, policy, terms] = [client?.logoUri, client?.clientUri, client?.policyUri, client?.tosUri].map(https);
  allowImageOrigin(ctx, logo);
  return { ...(logo && { clientLogoUri: logo }), ...(site && { clientUri: site }), ...(policy && { clientPolicyUri: policy }), ...(terms && { clientTosUri: terms }) };
}

/** The OpenID Connect (and other) scopes, and per resource its name and scopes, for the page. */
function consentScopes(requested: string[], resources: ResourceScopes, nameOf: (identifier: string) => string) {
  const atResource = new Set(Object.values(resources).flat());
  return {
    scopes: describeScopes(requested.filter((s) => !atResource.has(s))),
    resources: Object.entries(resources).filter(([, scopes]) => scopes.length > 0).map(([identifier, scopes]) => ({ identifier, name: nameOf(identifier), scopes: describeScopes(scopes) })),
  };
}

/**
 * Client registration for the admin API (and so the CLI): validates once, generates the id and
 * secret, seals the secret, stores the client, and shows the secret exactly once. Each change
 * made for a caller writes one audit event of its own here (never the secret), so a route cannot
 * forget it; `ensure` (the server's own built-in clients at start) writes none.
 * - Built-in clients (those `ensure` registered: the account page's, the demo's) are read-only to
 *   callers: the server rewrites them at every start, and a renamed or deleted one would break
 *   its page until then. update, rotate-secret and delete answer `client.builtin` (409).
 * - `public` on an update switches the kind: to public drops the secret (it stops working at
 *   once); to confidential issues a new one, shown once in the answer, as rotate-secret does.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { ClientRepository, StoredClient } from '@portcullis/db';
import { defaultAuthMethod, DEFAULT_ID_TOKEN_ALG, isNativeClient, isPublicClient, scopeTokens, usesClientSecret, type ClientView } from '@portcullis/contract';
import type { SecretBox } from '../crypto/secret-box.js';
import { AppError } from '../http/app-error.js';
import { DYNAMIC_REGISTRATION, FIRST_PARTY, REQUIRE_VERIFIED_EMAIL, RESOURCE_SERVER } from '../oidc/client-flags.js';
import { clientProblemTexts, createClientSchema, formatIssues, updateClientSchema } from './client-input.schema.js';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';

export interface ClientService {
  create(body: unknown, meta: RequestMeta): Promise<ClientView>;
  update(clientId: string, body: unknown, meta: RequestMeta): Promise<ClientView>;
  rotateSecret(clientId: string, meta: RequestMeta): Promise<ClientView>;
  get(clientId: string): Promise<ClientView>;
  list(): Promise<ClientView[]>;
  /** Deletes the client, its consents, and every grant of it with their tokens. */
  delete(clientId: string, meta: RequestMeta): Promise<{ grantsRevoked: number }>;
  /** Creates or refreshes a client with a fixed id (the embedded demo client). */
  ensure(clientId: string, body: unknown): Promise<void>;
}

const isSuperset = (next: string[], previous: string[]) => previous.every((scope) => next.includes(scope));

const newSecret = () => randomBytes(32).toString('base64url');

/**
 * 128 random bits, base64url, never starting with '-': an id like `-x9…` reads as an option
 * to the CLI (`portcullis clients show -x9…`) and to most shell tools, one id in 64 otherwise.
 */
export function newClientId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Registration metadata the consent page shows (views/consent.view.ts). */
const CLIENT_PAGE_LINKS = ['logo_uri', 'client_uri', 'policy_uri', 'tos_uri'] as const;
type ClientPageLink = (typeof CLIENT_PAGE_LINKS)[number];

export function toClientView(client: StoredClient, secret?: string, builtIn = false): ClientView {
  const m = client.metadata as Partial<Record<'redirect_uris' | 'post_logout_redirect_uris' | 'grant_types' | 'response_types', string[]>> &
    Partial<Record<'token_endpoint_auth_method' | 'scope' | 'id_token_signed_response_alg' | 'backchannel_logout_uri' | ClientPageLink, string>> &
    Partial<Record<'backchannel_logout_session_required' | typeof RESOURCE_SERVER | typeof REQUIRE_VERIFIED_EMAIL | 'require_pushed_authorization_requests' | 'dpop_bound_access_tokens', boolean>> &
    Partial<Record<typeof DYNAMIC_REGISTRATION, string>> &
    Partial<Record<'jwks', ClientView['jwks']>> & Partial<Record<'jwks_uri', string>>;
  return {
    client_id: client.clientId,
    client_name: client.name,
    ...(secret !== undefined && { client_secret: secret }),
    redirect_uris: m.redirect_uris ?? [],
    post_logout_redirect_uris: m.post_logout_redirect_uris ?? [],
    grant_types: m.grant_types ?? [],
    response_types: m.response_types ?? [],
    token_endpoint_auth_method: m.token_endpoint_auth_method ?? 'client_secret_basic',
    id_token_signed_response_alg: m.id_token_signed_response_alg ?? DEFAULT_ID_TOKEN_ALG,
    scope: m.scope ?? '',
    first_party: client.firstParty,
    built_in: builtIn,
    resource_server: m[RESOURCE_SERVER] ?? false,
    require_verified_email: m[REQUIRE_VERIFIED_EMAIL] ?? false,
    backchannel_logout_uri: m.backchannel_logout_uri ?? null,
    backchannel_logout_session_required: m.backchannel_logout_session_required ?? true,
    logo_uri: m.logo_uri ?? null,
    client_uri: m.client_uri ?? null,
    policy_uri: m.policy_uri ?? null,
    tos_uri: m.tos_uri ?? null,
    dynamic_registration: m[DYNAMIC_REGISTRATION] ?? null,
    require_pushed_authorization_requests: m.require_pushed_authorization_requests ?? false,
    dpop_bound_access_tokens: m.dpop_bound_access_tokens ?? false,
    jwks: m.jwks ?? null,
    jwks_uri: m.jwks_uri ?? null,
    created_at: client.createdAt.toISOString(),
    updated_at: client.updatedAt.toISOString(),
  };
}

/** What the stored metadata is built from: a client's view minus what the server derives. */
type MetadataInput = Omit<ClientView, 'client_id' | 'client_secret' | 'response_types' | 'built_in' | 'dynamic_registration' | 'created_at' | 'updated_at'> & Partial<Pick<ClientView, 'dynamic_registration'>>;

function metadataOf(input: MetadataInput) {
  return {
    client_name: input.client_name,
    redirect_uris: input.redirect_uris,
    post_logout_redirect_uris: input.post_logout_redirect_uris,
    grant_types: input.grant_types,
    response_types: input.grant_types.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: input.token_endpoint_auth_method,
    id_token_signed_response_alg: input.id_token_signed_response_alg,
    scope: input.scope,
    // OpenID Connect Registration §2: a client with a private-use scheme redirect is a native app;
    // the provider then allows that scheme, and any port on its loopback redirects (RFC 8252 §7.3).
    ...(isNativeClient(input) && { application_type: 'native' }),
    [FIRST_PARTY]: input.first_party,
    ...(input.resource_server && { [RESOURCE_SERVER]: true }),
    ...(input.require_verified_email && { [REQUIRE_VERIFIED_EMAIL]: true }),
    ...(input.backchannel_logout_uri !== null && {
      backchannel_logout_uri: input.backchannel_logout_uri,
      backchannel_logout_session_required: input.backchannel_logout_session_required,
    }),
    // A client that registered itself (oidc/registration-policy.ts) stays marked so after an admin update.
    ...(input.dynamic_registration && { [DYNAMIC_REGISTRATION]: input.dynamic_registration }),
    // RFC 9126 §6, RFC 9449 §5.2: standard metadata the provider enforces (oidc/par.ts, dpop.ts).
    ...(input.require_pushed_authorization_requests && { require_pushed_authorization_requests: true }),
    ...(input.dpop_bound_access_tokens && { dpop_bound_access_tokens: true }),
    // private_key_jwt's keys (client-keys.ts); the provider verifies assertions with them.
    ...(input.jwks !== null && { jwks: input.jwks }),
    ...(input.jwks_uri !== null && { jwks_uri: input.jwks_uri }),
    // The consent page's logo and links; the provider keeps them as standard metadata.
    ...Object.fromEntries(CLIENT_PAGE_LINKS.filter((field) => input[field] !== null).map((field) => [field, input[field]])),
  };
}

export interface ClientServiceDeps {
  clients: ClientRepository;
  box: SecretBox;
  /** Revokes every grant of a client with its tokens, in the store that holds them. */
  revokeGrants(clientId: string): Promise<number>;
  /** Forgets every account's consent to a client; answers how many there were. */
  forgetConsents(clientId: string): Promise<number>;
  audit: AuditService;
  /**
   * Told each stored client's scope before the answer, after its audit event: a new API scope
   * rebuilds the provider (oidc/api-scopes.ts). Never throws: a failed rebuild is logged and
   * retried at the next sight of the scope, and the stored client is answered.
   */
  scopesStored?: (scope: string) => Promise<void>;
}

export function createClientService(deps: ClientServiceDeps): ClientService {
  const { clients, box } = deps;
  const seal = (clientId: string, secret: string) => box.seal(secret, `client:${clientId}`);
  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new AppError('client.invalid', formatIssues(parsed.error));
    return parsed.data;
  };
  // No client id holds U+0000, and PostgreSQL cannot even compare one: not found, not a 500.
  const impossibleId = (clientId: string) => clientId.includes('\u0000');
  const mustFind = async (clientId: string) => {
    const found = impossibleId(clientId) ? undefined : await clients.findByIdOnPrimary(clientId);
    if (!found) throw new AppError('client.not_found');
    return found;
  };

  async function insert(clientId: string, body: unknown): Promise<ClientView> {
    const input = parse(createClientSchema, body);
    // Only the secret methods get one: a private_key_jwt client proves itself with its own key.
    const secret = usesClientSecret(input.token_endpoint_auth_method) ? newSecret() : undefined;
    const stored = await clients.insert({
      clientId,
      name: input.client_name,
      firstParty: input.first_party,
      metadata: metadataOf(input),
      secretCiphertext: secret === undefined ? null : seal(clientId, secret),
    });
    return toClientView(stored, secret);
  }

  const { audit } = deps;
  /** The ids `ensure` registered in this process: the server's own clients. */
  const builtIn = new Set<string>();
  const view = (client: StoredClient, secret?: string) => toClientView(client, secret, builtIn.has(client.clientId));
  const mustFindOwn = async (clientId: string) => {
    const found = await mustFind(clientId);
    if (builtIn.has(clientId)) throw new AppError('client.builtin');
    return found;
  };
  return {
    async create(body, meta) {
      const created = await insert(newClientId(), body);
      // The event first: the client is stored whatever the rebuild does (it logs its own failure).
      await audit.record({ type: 'client.created', clientId: created.client_id, detail: { client_name: created.client_name, first_party: created.first_party, resource_server: created.resource_server } }, meta);
      await deps.scopesStored?.(created.scope);
      return created;
    },

    async update(clientId, body, meta) {
      const { public: toPublic, ...changes } = parse(updateClientSchema, body);
      const current = toClientView(await mustFindOwn(clientId));
      const wasPublic = isPublicClient(current);
      const isPublic = toPublic ?? wasPublic;
      // Switching kind without naming a method takes the new kind's default.
      const method = changes.token_endpoint_auth_method ?? (isPublic === wasPublic ? current.token_endpoint_auth_method : defaultAuthMethod(isPublic));
      // Leaving private_key_jwt drops its keys, as leaving a secret method drops the secret.
      const keys = method === 'private_key_jwt' ? {} : { jwks: changes.jwks ?? null, jwks_uri: changes.jwks_uri ?? null };
      const merged = { ...current, ...changes, ...keys, token_endpoint_auth_method: method, public: isPublic };
      if (toPublic === undefined && (method === 'none') !== wasPublic) {
        throw new AppError('client.invalid', `the auth method "none" is what makes a client public: send "public": ${String(!wasPublic)} to switch`);
      }
      const problems = clientProblemTexts(merged);
      if (problems.length > 0) throw new AppError('client.invalid', problems.join('; '));
      // To a secret method: a new secret, shown once; to public or private_key_jwt: the secret is
      // gone at once.
      const hadSecret = usesClientSecret(current.token_endpoint_auth_method);
      const needsSecret = usesClientSecret(method);
      const secret = needsSecret === hadSecret ? undefined : needsSecret ? newSecret() : null;
      const updated = await clients.update(clientId, {
        name: merged.client_name,
        firstParty: merged.first_party,
        metadata: metadataOf(merged),
        ...(secret !== undefined && { secretCiphertext: secret === null ? null : seal(clientId, secret) }),
      });
      if (!updated) throw new AppError('client.not_found');
      // The row is stored first, so no new grant can carry a removed scope; then the old ones go.
      const narrowed = !isSuperset(scopeTokens(merged.scope), scopeTokens(current.scope));
      const revoked = narrowed ? { grants_revoked: await deps.revokeGrants(clientId), consents_forgotten: await deps.forgetConsents(clientId) } : {};
      const fields = body !== null && typeof body === 'object' ? Object.keys(body).sort().slice(0, 50) : [];
      await audit.record({ type: 'client.updated', clientId, detail: { fields, ...(isPublic !== wasPublic && { public: isPublic }), ...revoked } }, meta);
      await deps.scopesStored?.(merged.scope);
      return toClientView(updated, secret ?? undefined);
    },

    async rotateSecret(clientId, meta) {
      const current = await mustFindOwn(clientId);
      if (current.secretCiphertext === null) throw new AppError('client.no_secret');
      const secret = newSecret();
      const updated = await clients.update(clientId, { secretCiphertext: seal(clientId, secret) });
      if (!updated) throw new AppError('client.not_found');
      await audit.record({ type: 'client.secret_rotated', clientId }, meta);
      return toClientView(updated, secret);
    },

    get: async (clientId) => view(await mustFind(clientId)),
    list: async () => (await clients.list()).map((c) => view(c)),
    // The row goes first, with its consents (ON DELETE CASCADE), so no new grant can start;
    // then the grants go with their codes and tokens. Should the second step fail, what is left
    // is already useless: no one can authenticate as the client any more, and introspection
    // answers `active: false` for a token whose client is gone (oidc/introspection-policy.ts).
    async delete(clientId, meta) {
      if (!impossibleId(clientId) && builtIn.has(clientId)) throw new AppError('client.builtin');
      if (impossibleId(clientId) || !(await clients.delete(clientId))) throw new AppError('client.not_found');
      const grantsRevoked = await deps.revokeGrants(clientId);
      await audit.record({ type: 'client.deleted', clientId, detail: { grants_revoked: grantsRevoked } }, meta);
      return { grantsRevoked };
    },

    async ensure(clientId, body) {
      builtIn.add(clientId);
      const existing = await clients.findByIdOnPrimary(clientId);
      if (!existing) {
        await insert(clientId, body);
        return;
      }
      const input = parse(createClientSchema, body);
      await clients.update(clientId, { name: input.client_name, firstParty: input.first_party, metadata: metadataOf(input) });
    },
  };
}

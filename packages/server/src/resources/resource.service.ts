/**
 * Resource servers for the admin API (and so the CLI): validates once (@portcullis/contract
 * resource.schemas.ts), stores, writes one audit event per change (`resource.created`,
 * `resource.updated`, `resource.deleted`, the identifier in `detail`), then reloads the registry
 * here and announces the change to the other instances (`changed`).
 * - The identifier never changes: it is the `aud` of every token issued for the API.
 * - One spelling per API: an identifier whose WHATWG-normalised form (`new URL(…).href`: scheme
 *   and host lower-cased, default port and empty path dropped to `/`, dot segments resolved)
 *   equals an existing one's is refused like a duplicate (`https://api.example` next to
 *   `https://api.example/`), or a client could get tokens for the same API under two audiences.
 *   A `resource` parameter is still matched exactly (resource-indicators.ts). The check reads
 *   the table first; two such creates racing each other are not caught (an operator's hand).
 * - Removing a scope, changing the format or the TTL applies to tokens issued from then on:
 *   the provider filters a new token's scope by the resource's current scopes, so a refresh
 *   never brings a removed scope back. Tokens already issued keep theirs until they expire (a JWT
 *   cannot be recalled; an opaque one can be revoked).
 * - Deleting a resource makes every later request for it `invalid_target`; its JWT access
 *   tokens stay valid to an API that checks them offline until they expire (at most the TTL).
 */
import type { z } from 'zod';
import { DuplicateResourceError, type ResourceRepository, type StoredResource } from '@portcullis/db';
import { createResourceSchema, updateResourceSchema, type ResourceView } from '@portcullis/contract';
import { AppError } from '../http/app-error.js';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import { formatIssues } from '../clients/client-input.schema.js';

export interface ResourceService {
  create(body: unknown, meta: RequestMeta): Promise<ResourceView>;
  update(identifier: string, body: unknown, meta: RequestMeta): Promise<ResourceView>;
  get(identifier: string): Promise<ResourceView>;
  list(): Promise<ResourceView[]>;
  delete(identifier: string, meta: RequestMeta): Promise<void>;
}

export function toResourceView(resource: StoredResource): ResourceView {
  return {
    identifier: resource.identifier,
    name: resource.name,
    scopes: resource.scopes,
    access_token_format: resource.accessTokenFormat,
    access_token_ttl: resource.accessTokenTtl,
    created_at: resource.createdAt.toISOString(),
    updated_at: resource.updatedAt.toISOString(),
  };
}

export interface ResourceServiceDeps {
  resources: ResourceRepository;
  audit: AuditService;
  /** Reloads this instance's registry and tells the others; never throws. */
  changed(): Promise<void>;
}

/** The identifier as the WHATWG URL parser writes it (the schema has checked it is absolute). */
function normalised(identifier: string): string {
  return URL.parse(identifier)?.href ?? identifier;
}

export function createResourceService(deps: ResourceServiceDeps): ResourceService {
  const { resources, audit } = deps;
  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new AppError('resource.invalid', formatIssues(parsed.error));
    return parsed.data;
  };
  // PostgreSQL cannot compare a string holding U+0000: not found, not a 500.
  const mustFind = async (identifier: string) => {
    const found = identifier.includes('\u0000') ? undefined : await resources.find(identifier);
    if (!found) throw new AppError('resource.not_found');
    return found;
  };
  return {
    async create(body, meta) {
      const input = parse(createResourceSchema, body);
      const spelling = normalised(input.identifier);
      const twin = (await resources.list()).find((r) => r.identifier !== input.identifier && normalised(r.identifier) === spelling);
      if (twin) throw new AppError('resource.exists', `A resource with the same identifier once normalised exists already: ${JSON.stringify(twin.identifier)}. Use that spelling.`);
      let stored: StoredResource;
      try {
        stored = await resources.insert({ identifier: input.identifier, name: input.name ?? input.identifier, scopes: input.scopes, accessTokenFormat: input.access_token_format, accessTokenTtl: input.access_token_ttl });
      } catch (error) {
        if (error instanceof DuplicateResourceError) throw new AppError('resource.exists');
        throw error;
      }
      await audit.record({ type: 'resource.created', detail: { identifier: stored.identifier, scopes: stored.scopes, access_token_format: stored.accessTokenFormat } }, meta);
      await deps.changed();
      return toResourceView(stored);
    },

    async update(identifier, body, meta) {
      const input = parse(updateResourceSchema, body);
      await mustFind(identifier);
      const updated = await resources.update(identifier, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.scopes !== undefined && { scopes: input.scopes }),
        ...(input.access_token_format !== undefined && { accessTokenFormat: input.access_token_format }),
        ...(input.access_token_ttl !== undefined && { accessTokenTtl: input.access_token_ttl }),
      });
      if (!updated) throw new AppError('resource.not_found');
      const fields = Object.keys(input).sort();
      await audit.record({ type: 'resource.updated', detail: { identifier, fields } }, meta);
      await deps.changed();
      return toResourceView(updated);
    },

    get: async (identifier) => toResourceView(await mustFind(identifier)),
    list: async () => (await resources.list()).map(toResourceView),

    async delete(identifier, meta) {
      if (identifier.includes('\u0000') || !(await resources.delete(identifier))) throw new AppError('resource.not_found');
      await audit.record({ type: 'resource.deleted', detail: { identifier } }, meta);
      await deps.changed();
    },
  };
}

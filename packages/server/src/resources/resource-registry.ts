/**
 * Every resource server (RFC 8707) in memory, per instance: the provider asks for one on every
 * authorization and token request that names a `resource`, so it must not cost a query.
 * - The table is small (an operator registers APIs by hand), so a change reloads all of it
 *   instead of tracking entries: a write through this instance's resource service reloads at
 *   once, and the change feed tells the other instances (`{ kind: 'resource' }`,
 *   composition-root.ts), which reload too; the 30 s key poll reloads as well, the backstop for
 *   a lost announcement.
 * - A reload reads the primary (the repository's `list`): it runs right after a change, when a
 *   replica may not have it yet.
 * - Each reload tells `scopesSeen` the resources' scopes, so the provider learns a new one
 *   (oidc/api-scopes.ts) and rebuilds before the admin call answers.
 * - A reload that fails keeps the previous table (and is retried at the next poll).
 */
import type { StoredResource } from '@portcullis/db';

export interface ResourceRegistry {
  find(identifier: string): StoredResource | undefined;
  list(): StoredResource[];
  reload(): Promise<void>;
}

export function createResourceRegistry(deps: { load(): Promise<StoredResource[]>; scopesSeen?: (scope: string) => Promise<void> }): ResourceRegistry {
  let byIdentifier = new Map<string, StoredResource>();
  return {
    find: (identifier) => byIdentifier.get(identifier),
    list: () => [...byIdentifier.values()],
    async reload() {
      const resources = await deps.load();
      byIdentifier = new Map(resources.map((r) => [r.identifier, r]));
      const scopes = resources.flatMap((r) => r.scopes).join(' ');
      if (scopes !== '') await deps.scopesSeen?.(scopes);
    },
  };
}

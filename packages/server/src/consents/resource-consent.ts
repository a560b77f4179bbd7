/**
 * What an authorization request asks of each resource server (RFC 8707), for the consent rule
 * (consent.service.ts) and the consent page (interactions/consent.handlers.ts).
 * - Per requested resource: the requested scopes it defines, as the library grants them
 *   (interaction_policy consent `rs_scopes_missing`).
 * - A remembered consent names each resource scope with its resource, `<identifier>#<scope>`:
 *   an identifier has no fragment (RFC 8707 §2), so the entry is unambiguous, and consenting to
 *   `read:items` at one API does not cover another API that defines the same scope.
 */
export type ResourceScopes = Record<string, string[]>;

/** The `resource` parameter as a list (it may be repeated). */
export function requestedResources(params: Record<string, unknown> | undefined): string[] {
  const value = params?.resource;
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Per requested resource the library knows, the requested scopes it defines. */
export function resourceScopesOf(resources: readonly string[], requested: readonly string[], scopesOf: (identifier: string) => Iterable<string> | undefined): ResourceScopes {
  const out: ResourceScopes = {};
  for (const identifier of resources) {
    const defined = scopesOf(identifier);
    if (!defined) continue;
    const set = new Set(defined);
    out[identifier] = requested.filter((s) => set.has(s));
  }
  return out;
}

/** The remembered-consent entries for resource scopes (see above). */
export function qualifiedResourceScopes(resources: ResourceScopes): string[] {
  return Object.entries(resources).flatMap(([identifier, scopes]) => scopes.map((scope) => `${identifier}#${scope}`));
}

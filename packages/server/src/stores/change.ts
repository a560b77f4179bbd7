/**
 * What one instance tells the others through the change feed (stores.ts `ChangeFeed`):
 * - `client`: a client was changed, had its secret rotated or was deleted; each instance drops
 *   it from its client cache (oidc/client-cache.ts);
 * - `keys`: the signing keys rotated; each instance reloads them;
 * - `resource`: a resource server was registered, changed or removed; each instance reloads its
 *   registry (resources/resource-registry.ts).
 * Messages come from the network, so a feed parses every one with `changeSchema`.
 */
import { z } from 'zod';

export const changeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('client'), clientId: z.string().min(1).max(1024) }),
  z.object({ kind: z.literal('keys') }),
  z.object({ kind: z.literal('resource') }),
]);
export type Change = z.infer<typeof changeSchema>;

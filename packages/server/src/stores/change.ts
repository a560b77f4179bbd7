/**
 * What one instance tells the others through the change feed (stores.ts `ChangeFeed`):
 * - `client`: a client was changed, had its secret rotated or was deleted; each instance drops
 *   it from its client cache (oidc/client-cache.ts);
 * - `keys`: the signing keys rotated; each instance reloads them.
 * Messages come from the network, so a feed parses every one with `changeSchema`.
 */
import { z } from 'zod';

export const changeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('client'), clientId: z.string().min(1).max(1024) }),
  z.object({ kind: z.literal('keys') }),
]);
export type Change = z.infer<typeof changeSchema>;

/** Portcullis' own client metadata, registered with the provider as extraClientMetadata. */
import type { Client } from 'oidc-provider';

export const FIRST_PARTY = 'first_party';

export function isFirstParty(client: Client): boolean {
  return (client.metadata() as Record<string, unknown>)[FIRST_PARTY] === true;
}

/** Portcullis' own client metadata, registered with the provider as extraClientMetadata. */
import type { Client } from 'oidc-provider';

export const FIRST_PARTY = 'first_party';
/**
 * A resource server: a confidential client that may introspect access tokens issued to other
 * clients (RFC 7662 §2.1, §4). Every other client may introspect only its own tokens.
 */
export const RESOURCE_SERVER = 'resource_server';

/**
 * Sign-ins to this client wait until the account's email address is verified (docs/email.md):
 * the sign-in shows the "check your email" step, also for a session that signed in before.
 */
export const REQUIRE_VERIFIED_EMAIL = 'require_verified_email';

const flag = (client: Client, name: string) => (client.metadata() as Record<string, unknown>)[name] === true;

export function isFirstParty(client: Client): boolean {
  return flag(client, FIRST_PARTY);
}

export function isResourceServer(client: Client): boolean {
  return flag(client, RESOURCE_SERVER);
}

/**
 * How a client registered itself at the registration endpoint (RFC 7591): `token` (with an
 * initial access token) or `open-native` (without one, as a public native client). Set by the
 * registration policy (oidc/registration-policy.ts), never by the client; absent on clients the
 * admin API made.
 */
export const DYNAMIC_REGISTRATION = 'dynamic_registration';
export function isDynamicallyRegistered(client: Client): boolean {
  const via = (client.metadata() as Record<string, unknown>)[DYNAMIC_REGISTRATION];
  return via === 'token' || via === 'open-native';
}

export function requiresVerifiedEmail(client: Client | undefined): boolean {
  return client !== undefined && flag(client, REQUIRE_VERIFIED_EMAIL);
}

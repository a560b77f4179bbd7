/**
 * Authentication context classes and methods Portcullis issues (OpenID Connect Core §2, RFC 8176):
 * - `urn:portcullis:acr:pwd`, amr `["pwd"]`: a password only;
 * - `urn:portcullis:acr:mfa`, amr `["pwd","otp"]`: a password and a one-time code (TOTP or a
 *   recovery code).
 * A client demands MFA with `acr_values=urn:portcullis:acr:mfa`. acr_values lists the classes
 * a client accepts, in order of preference, so listing `…:pwd` as well means a password is
 * enough. The `claims` request parameter is not supported (discovery says
 * `claims_parameter_supported: false`), so an essential `acr` asked for there is ignored, not
 * enforced (test/oidc-capabilities.test.ts); acr_values is the one way to demand MFA.
 */
export const ACR = {
  password: 'urn:portcullis:acr:pwd',
  mfa: 'urn:portcullis:acr:mfa',
} as const;

export const AMR = {
  password: ['pwd'],
  mfa: ['pwd', 'otp'],
} as const;

/** True when the request's acr_values accept only MFA. */
export function demandsMfa(params: Record<string, unknown> | undefined): boolean {
  const value = params?.acr_values;
  const values = typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
  return values.includes(ACR.mfa) && !values.includes(ACR.password);
}

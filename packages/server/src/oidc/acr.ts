/**
 * Authentication context classes and methods Portcullis issues (OpenID Connect Core §2, RFC 8176):
 * - `urn:portcullis:acr:pwd`, amr `["pwd"]`: a password only;
 * - `urn:portcullis:acr:mfa`, amr `["pwd","otp"]`: a password and a one-time code (TOTP or a
 *   recovery code); amr `["pwd","hwk","user"]`: a password and a passkey;
 * - `urn:portcullis:acr:mfa`, amr `["hwk","user"]`: a passkey alone, with user verification.
 *   That is two factors in one gesture: the private key never leaves the authenticator (something
 *   you have, `hwk`) and the authenticator unlocked it only after checking the person's PIN or
 *   biometric itself (something you know or are; the UV flag, WebAuthn §6.1, required for this
 *   sign-in). NIST SP 800-63B §5.1.9 counts such a multi-factor cryptographic authenticator as
 *   two factors, so the acr is the MFA one. `user` (RFC 8176 §2) is the test of user presence
 *   and verification the authenticator made.
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
  /** What a passkey adds (second step), or all there is (a sign-in with a passkey alone). */
  passkey: ['hwk', 'user'],
} as const;

/** True when the request's acr_values accept only MFA. */
export function demandsMfa(params: Record<string, unknown> | undefined): boolean {
  const value = params?.acr_values;
  const values = typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
  return values.includes(ACR.mfa) && !values.includes(ACR.password);
}

/**
 * Every URL of a sign-in interaction, built in one place: the provider's `interactions.url`
 * (oidc/configuration.ts), the router's prefix, the forms' actions and links, the redirects, and
 * the route templates that label metrics (pass `':uid'` to get the template).
 */

/** The public app's prefix for interactions: everything under it is ours, never the provider's. */
export const INTERACTION_PREFIX = '/interaction';

export function interactionPaths(uid: string) {
  const start = `${INTERACTION_PREFIX}/${uid}`;
  return {
    /** The interaction's page: login, the second factor, or consent, whichever is due. */
    start,
    login: `${start}/login`,
    register: `${start}/register`,
    /** "Forgot password?": the reset request, inside the interaction (recovery/). */
    forgot: `${start}/forgot`,
    totp: `${start}/totp`,
    recovery: `${start}/recovery`,
    enrolStart: `${start}/enrol/start`,
    enrol: `${start}/enrol`,
    /** "Continue" after the recovery codes of an enrolment made inside the sign-in. */
    done: `${start}/continue`,
    /** A sign-in with a passkey alone: the ceremony's options (JSON), then the assertion (a form). */
    passkeyOptions: `${start}/passkey/options`,
    passkey: `${start}/passkey`,
    /** A passkey as the second step after a password: the same two. */
    passkeyStepOptions: `${start}/passkey-step/options`,
    passkeyStep: `${start}/passkey-step`,
    /** The "check your email" step: the code, "send again", and the message's link. */
    emailCode: `${start}/verify-email/code`,
    emailResend: `${start}/verify-email/resend`,
    emailLink: `${start}/verify-email`,
    consent: `${start}/consent`,
    deny: `${start}/deny`,
  };
}


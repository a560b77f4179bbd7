/**
 * Every message a person reads from Portcullis, in English: errors, alerts, notices and the
 * titles of error pages. Views keep their own static labels; everything a route, a service or an
 * error decides to say comes from here, through `message(id, params)` (message.ts).
 * - Ids are stable and dotted (`area.what`); a translation is another table with the same ids.
 * - `{name}` is a parameter; an entry with `one`/`other` is picked by the number named in
 *   `plural` (Intl.PluralRules), so a translation can follow its own plural rules.
 * - One text for one meaning: every "too many attempts" refusal says `limit.too_many_attempts`;
 *   the new-device refusal (`limit.new_device`) says something else, what to do instead.
 * message.test.ts checks that every id the code uses is here and that nothing here is unused.
 */
export const messagesEn = {
  // Errors (http/app-error.ts maps each AppError code to one of these).
  'error.request.invalid': 'The request is not valid.',
  'error.request.too_large': 'The request is too large.',
  'error.request.unsupported_media_type': 'This content type is not accepted here.',
  'error.request.method_not_allowed': 'This method is not allowed here.',
  'error.request.csrf': 'This form has expired or was not sent from this site. Go back and try again.',
  'error.request.not_found': 'This page does not exist.',
  'error.interaction.expired': 'This sign-in attempt has expired. Go back to the application and start again.',
  'error.interaction.invalid_credentials': 'The email or password is incorrect.',
  'error.interaction.consent_not_pending': 'There is no consent to give for this request.',
  'error.registration.invalid': 'Check the details and try again.',
  'error.registration.email_taken': 'This email cannot be used to create an account. If it is yours, sign in instead.',
  'error.password.too_short': 'The password is too short.',
  'error.password.common': 'This password is too common. Choose one that is harder to guess.',
  'error.admin.unauthorized': 'A valid admin token is required.',
  'error.client.not_found': 'No client has this id.',
  'error.client.invalid': 'The client metadata is not valid.',
  'error.client.no_secret': 'Public clients have no secret to rotate.',
  'error.client.builtin': 'This is a built-in client of the server (the account page or the demo); it cannot be changed or deleted.',
  'error.user.not_found': 'No user has this id or email.',
  'error.consent.not_found': 'This user has not given this client access.',
  'error.mfa.invalid_code': 'That code is not valid. Each code works once: wait for the next one and try again.',
  'error.mfa.invalid_recovery_code': 'That recovery code is not valid or has been used.',
  'error.mfa.already_enabled': 'The authenticator app is already set up.',
  'error.mfa.not_enabled': 'No authenticator app is set up.',
  'error.account.invalid_password': 'The current password is incorrect.',
  'error.audit.invalid': 'user must be an email or an account id, since a duration such as 15m, 24h or 7d, and limit 1-1000.',
  'error.service.unavailable': 'The service is temporarily unavailable. Try again shortly.',
  'error.internal': 'Something went wrong on our side.',

  // What an error says in particular, in place of its code's message.
  'error.request.body_compressed': 'Compressed request bodies are not accepted.',
  'error.request.body_not_utf8': 'The request holds bytes that are not valid UTF-8 text.',
  'error.request.form_type': 'Send the form as application/x-www-form-urlencoded.',
  'error.request.form_not_text': 'The form holds characters that are not valid text. Go back and try again.',
  'error.request.authorization_type': 'Send the authorization request as application/x-www-form-urlencoded, or as a GET.',
  'error.request.authorization_not_text': 'The authorization request holds characters that are not valid text.',
  'error.request.authorization_too_long': 'This authorization request is too long to continue. Send it with fewer or shorter parameters.',
  'error.password.min_length': 'The password must have at least {min} characters.',
  'error.admin.json_type': 'Send the body as application/json.',
  'error.admin.body_unreadable': 'The body could not be read.',
  'error.admin.body_not_unicode': 'Text in the body must be valid Unicode without NUL (U+0000): no lone surrogate escapes such as \\ud800.',
  'error.admin.body_not_container': 'The body is not valid JSON: it must be an object or an array.',
  'error.admin.body_not_json': 'The body is not valid JSON.',

  // Form fields, as their zod schemas report them.
  'form.email_invalid': 'Enter a valid email address.',
  'form.email_too_long': 'The email address is too long.',
  'form.name_too_long': 'The name is too long.',
  'form.password_required': 'Enter your password.',
  'form.password_too_long': 'The password is too long.',

  // Brute-force and anti-automation limits (a 429).
  'limit.too_many_attempts': 'Too many attempts. Wait a few minutes and try again.',
  'limit.new_device': {
    plural: 'minutes',
    one: 'Sign-in to this account is temporarily limited on new devices after many failed attempts. Use a device you have signed in from before, wait {minutes} minute, or ask an administrator to unlock the account.',
    other: 'Sign-in to this account is temporarily limited on new devices after many failed attempts. Use a device you have signed in from before, wait {minutes} minutes, or ask an administrator to unlock the account.',
  },

  // The sign-in journey.
  'signin.enrol_intro': 'This application asks for two-step verification. Set up an authenticator app to continue.',
  /** OAuth error_description of access_denied, read by the application (and shown by some). */
  'signin.denied': 'The user denied the request.',
  'signin.too_many_wrong_codes': 'Too many wrong codes.',

  // The account page's alerts and notices.
  'account.password_changed': 'Your password was changed. You were signed out everywhere else.',
  'account.totp_setup_expired': 'The set-up expired. Press "Set up authenticator app" to start again.',
  'account.totp_disable_invalid_code': 'That code is not valid. Enter a current code from your app or an unused recovery code.',
  'account.totp_turned_off': 'The authenticator app is turned off.',
  'account.sessions_others_ended': { plural: 'count', one: 'One other session was signed out.', other: '{count} other sessions were signed out.' },
  'account.session_already_ended': 'That session has already ended.',
  'account.session_is_current': 'To end this session, use "Sign out" on your account page.',
  'account.session_ended': 'The session was signed out.',
  'account.app_not_connected': 'That app has no access to remove.',
  'account.app_removed': '{app} no longer has access to your account.',

  // The demo.
  'demo.sign_in_expired': 'This sign-in started elsewhere or took too long. Press "Sign in" to start again.',
  'demo.sign_in_failed': 'The sign-in could not be completed.',

  // Error pages: titles, and the provider's errors (oidc/pages.ts).
  'page.not_found': 'Page not found',
  'page.failed': 'Something went wrong',
  'page.refused': 'This request could not be completed',
  'page.oauth.invalid_request': 'The request is not valid',
  'page.oauth.invalid_client': 'Unknown application',
  'page.oauth.invalid_redirect_uri': 'The application sent an unregistered address',
  'page.oauth.unauthorized_client': 'The application is not allowed to do this',
  'page.oauth.unsupported_response_type': 'Unsupported request',
  'page.oauth.invalid_scope': 'The application asked for something unknown',
  'page.oauth.access_denied': 'Access denied',
  'page.oauth.login_required': 'Sign-in required',
  'page.oauth.other': 'The request could not be completed',
  'page.oauth.try_later': 'Please try again later.',

  // The account page's confirmation pages, and the buttons that move on from a recovery-code list.
  'confirm.regenerate.title': 'Regenerate recovery codes',
  'confirm.regenerate.intro': 'A new set of ten recovery codes replaces the old one, which stops working. Enter a code from your authenticator app to continue.',
  'confirm.regenerate.label': 'Code',
  'confirm.regenerate.button': 'Regenerate recovery codes',
  'confirm.disable.title': 'Turn off authenticator app',
  'confirm.disable.intro': 'Signing in will ask only for your password. Your recovery codes stop working.',
  'confirm.disable.label': 'Code or recovery code',
  'confirm.disable.hint': 'A code from your authenticator app, or one of your unused recovery codes.',
  'confirm.disable.button': 'Turn off authenticator app',
  'next.back_to_account': 'Back to your account',
  'next.continue': 'Continue',
} as const;

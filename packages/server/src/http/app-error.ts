/**
 * One error type for everything Portcullis itself rejects, with a dotted code. The table below is
 * the single place that maps a code to its HTTP status and the message a person sees. The
 * provider's own OAuth errors are left alone; they are only rendered.
 */
export const errorTable = {
  'request.invalid': { status: 400, message: 'The request is not valid.' },
  'request.too_large': { status: 413, message: 'The request is too large.' },
  'request.unsupported_media_type': { status: 415, message: 'This content type is not accepted here.' },
  'request.method_not_allowed': { status: 405, message: 'This method is not allowed here.' },
  'request.csrf': { status: 403, message: 'This form has expired or was not sent from this site. Go back and try again.' },
  'request.not_found': { status: 404, message: 'This page does not exist.' },
  'interaction.expired': { status: 400, message: 'This sign-in attempt has expired. Go back to the application and start again.' },
  'interaction.invalid_credentials': { status: 401, message: 'The email or password is incorrect.' },
  'interaction.consent_not_pending': { status: 400, message: 'There is no consent to give for this request.' },
  'registration.invalid': { status: 400, message: 'Check the details and try again.' },
  'registration.email_taken': { status: 400, message: 'This email cannot be used to create an account. If it is yours, sign in instead.' },
  'registration.password_too_short': { status: 400, message: 'The password is too short.' },
  'registration.password_too_long': { status: 400, message: 'The password is too long.' },
  'registration.password_common': { status: 400, message: 'This password is too common. Choose one that is harder to guess.' },
  'admin.unauthorized': { status: 401, message: 'A valid admin token is required.' },
  'admin.invalid': { status: 400, message: 'The request is not valid.' },
  'client.not_found': { status: 404, message: 'No client has this id.' },
  'client.invalid': { status: 400, message: 'The client metadata is not valid.' },
  'client.no_secret': { status: 400, message: 'Public clients have no secret to rotate.' },
  'user.not_found': { status: 404, message: 'No user has this id or email.' },
  'consent.not_found': { status: 404, message: 'This user has not given this client access.' },
  'mfa.invalid_code': { status: 401, message: 'That code is not valid. Each code works once: wait for the next one and try again.' },
  'mfa.invalid_recovery_code': { status: 401, message: 'That recovery code is not valid or has been used.' },
  'mfa.already_enabled': { status: 400, message: 'The authenticator app is already set up.' },
  'mfa.not_enabled': { status: 400, message: 'No authenticator app is set up.' },
  'account.invalid_password': { status: 400, message: 'The current password is incorrect.' },
  'audit.invalid': { status: 400, message: 'user must be an email, since a duration such as 15m, 24h or 7d, and limit 1-1000.' },
  'request.rate_limited': { status: 429, message: 'Too many attempts. Wait a little while and try again.' },
  'service.unavailable': { status: 503, message: 'The service is temporarily unavailable. Try again shortly.' },
  'internal': { status: 500, message: 'Something went wrong on our side.' },
} as const;

export type AppErrorCode = keyof typeof errorTable;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  /** Shown to the user instead of the table's message when set (already safe to show). */
  readonly detail?: string;

  constructor(code: AppErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ?? errorTable[code].message, options);
    this.name = 'AppError';
    this.code = code;
    this.status = errorTable[code].status;
    this.detail = detail;
  }

  get publicMessage(): string {
    return this.detail ?? errorTable[this.code].message;
  }
}

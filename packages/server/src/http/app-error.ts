/**
 * One error type for everything Portcullis itself rejects, with a dotted code. The table below is
 * the single place that maps a code to its HTTP status and the id of the message a person sees
 * (messages/messages.en.ts holds the text). The provider's own OAuth errors are left alone; they
 * are only rendered.
 */
import { message, type PlainMessageId } from '../messages/message.js';

export const errorTable = {
  'request.invalid': { status: 400, message: 'error.request.invalid' },
  'request.too_large': { status: 413, message: 'error.request.too_large' },
  'request.unsupported_media_type': { status: 415, message: 'error.request.unsupported_media_type' },
  'request.method_not_allowed': { status: 405, message: 'error.request.method_not_allowed' },
  'request.csrf': { status: 403, message: 'error.request.csrf' },
  'request.not_found': { status: 404, message: 'error.request.not_found' },
  'interaction.expired': { status: 400, message: 'error.interaction.expired' },
  'interaction.invalid_credentials': { status: 401, message: 'error.interaction.invalid_credentials' },
  'interaction.consent_not_pending': { status: 400, message: 'error.interaction.consent_not_pending' },
  'registration.invalid': { status: 400, message: 'error.registration.invalid' },
  'registration.email_taken': { status: 400, message: 'error.registration.email_taken' },
  'password.too_short': { status: 400, message: 'error.password.too_short' },
  'password.too_long': { status: 400, message: 'form.password_too_long' },
  'password.common': { status: 400, message: 'error.password.common' },
  'admin.unauthorized': { status: 401, message: 'error.admin.unauthorized' },
  'admin.invalid': { status: 400, message: 'error.request.invalid' },
  'client.not_found': { status: 404, message: 'error.client.not_found' },
  'client.invalid': { status: 400, message: 'error.client.invalid' },
  'client.no_secret': { status: 400, message: 'error.client.no_secret' },
  // The server's own clients (the account page's, the demo's) are registered at every start.
  'client.builtin': { status: 409, message: 'error.client.builtin' },
  'resource.not_found': { status: 404, message: 'error.resource.not_found' },
  'resource.invalid': { status: 400, message: 'error.resource.invalid' },
  'resource.exists': { status: 409, message: 'error.resource.exists' },
  'registration_token.not_found': { status: 404, message: 'error.registration_token.not_found' },
  'registration_token.invalid': { status: 400, message: 'error.registration_token.invalid' },
  'user.not_found': { status: 404, message: 'error.user.not_found' },
  'consent.not_found': { status: 404, message: 'error.consent.not_found' },
  // The account lifecycle (accounts/account-lifecycle.service.ts) and REGISTRATION.
  'user.exists': { status: 409, message: 'error.user.exists' },
  'user.active': { status: 409, message: 'error.user.active' },
  'registration.invite_only': { status: 403, message: 'error.registration.invite_only' },
  'registration.closed': { status: 403, message: 'error.registration.closed' },
  'mfa.invalid_code': { status: 401, message: 'error.mfa.invalid_code' },
  'email.invalid_code': { status: 400, message: 'error.email.invalid_code' },
  'mfa.invalid_recovery_code': { status: 401, message: 'error.mfa.invalid_recovery_code' },
  'mfa.invalid_passkey': { status: 401, message: 'error.mfa.invalid_passkey' },
  'passkey.invalid': { status: 400, message: 'error.passkey.invalid' },
  'mfa.already_enabled': { status: 400, message: 'error.mfa.already_enabled' },
  'mfa.not_enabled': { status: 400, message: 'error.mfa.not_enabled' },
  'account.invalid_password': { status: 400, message: 'error.account.invalid_password' },
  'account.email_unverified': { status: 403, message: 'error.account.email_unverified' },
  'account.reauth_required': { status: 403, message: 'account.passkey_reauth' },
  'recovery.link_invalid': { status: 400, message: 'error.recovery.link_invalid' },
  'recovery.email_unavailable': { status: 409, message: 'error.recovery.email_unavailable' },
  'audit.invalid': { status: 400, message: 'error.audit.invalid' },
  'branding.invalid': { status: 400, message: 'error.branding.invalid' },
  'request.rate_limited': { status: 429, message: 'limit.too_many_attempts' },
  'service.unavailable': { status: 503, message: 'error.service.unavailable' },
  'internal': { status: 500, message: 'error.internal' },
} as const satisfies Record<string, { status: number; message: PlainMessageId }>;

export type AppErrorCode = keyof typeof errorTable;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  /** Shown to the user instead of the table's message when set (already safe to show; a `message(…)`). */
  readonly detail?: string;

  constructor(code: AppErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ?? message(errorTable[code].message), options);
    this.name = 'AppError';
    this.code = code;
    this.status = errorTable[code].status;
    this.detail = detail;
  }

  get publicMessage(): string {
    return this.detail ?? message(errorTable[this.code].message);
  }
}

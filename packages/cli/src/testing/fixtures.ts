/** API bodies shaped exactly as the admin API contract (@portcullis/contract) describes them. */
export function clientBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: 'cl_123',
    client_name: 'Demo App',
    redirect_uris: ['https://app.example/cb'],
    post_logout_redirect_uris: [],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    scope: 'openid profile',
    first_party: false,
    built_in: false,
    resource_server: false,
    require_verified_email: false,
    backchannel_logout_uri: null,
    backchannel_logout_session_required: true,
    logo_uri: null,
    client_uri: null,
    policy_uri: null,
    tos_uri: null,
    dynamic_registration: null,
    require_pushed_authorization_requests: false,
    dpop_bound_access_tokens: false,
    jwks: null,
    jwks_uri: null,
    created_at: '2026-11-28T12:00:00.000Z',
    updated_at: '2026-11-28T12:00:00.000Z',
    ...overrides,
  };
}

export function userBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'usr_1',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    email_verified: true,
    disabled: false,
    created_at: '2026-11-28T12:00:00.000Z',
    ...overrides,
  };
}

export function userDetailBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...userBody(),
    mfa: { totp: true, recovery_codes_left: 7, passkeys: 0 },
    last_sign_in_at: '2026-12-01T08:00:00.000Z',
    lockout: { password_until: '2026-12-03T10:05:00.000Z', code_until: null },
    ...overrides,
  };
}

export function keyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kid: 'key-1',
    alg: 'RS256',
    status: 'active',
    created_at: '2026-11-28T12:00:00.000Z',
    retired_at: null,
    publish_until: null,
    ...overrides,
  };
}

export function auditEventBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'evt-1',
    time: '2026-11-28T12:00:00.000Z',
    type: 'signin',
    outcome: 'success',
    account_id: 'usr_1',
    email: 'ada@example.com',
    client_id: 'cl_123',
    ip: '127.0.0.1',
    user_agent: 'test',
    detail: { mfa_required: true },
    ...overrides,
  };
}

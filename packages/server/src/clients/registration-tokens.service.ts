/**
 * Initial access tokens for dynamic client registration (RFC 7591 §3): created by an operator
 * (`portcullis clients registration-token create`), shown once, stored as a SHA-256 only (the
 * token is 256 random bits, so a fast hash is enough: nothing to guess from it), listed and revoked.
 * Each change writes one audit event here (never the token).
 * - `use` takes one use atomically (the repository's conditional UPDATE); `giveBack` returns it
 *   when the registration it was taken for was refused (oidc/registration-gate.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RegistrationTokenRepository, StoredRegistrationToken } from '@portcullis/db';
import { REGISTRATION_TOKEN_DEFAULT_SECONDS, registrationTokenCreateInputSchema, type RegistrationTokenView } from '@portcullis/contract';
import { AppError } from '../http/app-error.js';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import { formatIssues } from './client-input.schema.js';

export interface RegistrationTokensService {
  create(body: unknown, meta: RequestMeta): Promise<RegistrationTokenView>;
  list(): Promise<RegistrationTokenView[]>;
  revoke(id: string, meta: RequestMeta): Promise<void>;
  /** Takes one use of a live token; its id, or undefined (unknown, expired, used up, revoked). */
  use(token: string): Promise<string | undefined>;
  giveBack(id: string): Promise<void>;
}

export const hashRegistrationToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');

/** The longest bearer value worth hashing: ours are 43 characters. */
const MAX_TOKEN_LENGTH = 200;

function toView(token: StoredRegistrationToken, now: Date, secret?: string): RegistrationTokenView {
  const state = token.revokedAt
    ? 'revoked'
    : token.expiresAt && token.expiresAt <= now
      ? 'expired'
      : token.maxUses !== null && token.uses >= token.maxUses
        ? 'used_up'
        : 'active';
  return {
    id: token.id,
    ...(secret !== undefined && { token: secret }),
    state,
    expires_at: (token.expiresAt ?? new Date(8.64e15)).toISOString(),
    max_uses: token.maxUses,
    uses: token.uses,
    revoked_at: token.revokedAt?.toISOString() ?? null,
    created_at: token.createdAt.toISOString(),
  };
}

export function createRegistrationTokensService(deps: { tokens: RegistrationTokenRepository; audit: AuditService; clock?: () => Date }): RegistrationTokensService {
  const { tokens, audit } = deps;
  const now = deps.clock ?? (() => new Date());
  return {
    async create(body, meta) {
      const parsed = registrationTokenCreateInputSchema.safeParse(body);
      if (!parsed.success) throw new AppError('registration_token.invalid', formatIssues(parsed.error));
      const secret = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now().getTime() + (parsed.data.expires_in ?? REGISTRATION_TOKEN_DEFAULT_SECONDS) * 1000);
      const stored = await tokens.insert({ id: randomBytes(9).toString('base64url'), tokenHash: hashRegistrationToken(secret), expiresAt, maxUses: parsed.data.max_uses ?? null });
      await audit.record({ type: 'registration_token.created', detail: { id: stored.id, expires_at: expiresAt.toISOString(), max_uses: stored.maxUses } }, meta);
      return toView(stored, now(), secret);
    },
    list: async () => (await tokens.list()).map((token) => toView(token, now())),
    async revoke(id, meta) {
      if (id.includes('\u0000') || !(await tokens.revoke(id))) throw new AppError('registration_token.not_found');
      await audit.record({ type: 'registration_token.revoked', detail: { id } }, meta);
    },
    use: async (token) => (token.length === 0 || token.length > MAX_TOKEN_LENGTH ? undefined : tokens.use(hashRegistrationToken(token), now())),
    giveBack: (id) => tokens.giveBack(id),
  };
}

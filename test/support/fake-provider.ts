/**
 * A stand-in for node-oidc-provider in fast unit tests: the interaction a handler loads, the
 * clients, grants and sessions it looks up, and a record of what it told the provider
 * (`interactionFinished`, `interactionResult`, grants saved). Only the calls our handlers and
 * services make are here.
 * - `interactionDetails` answers the configured interaction; without one it throws, as the
 *   provider does for a missing or expired interaction cookie.
 * - Grants keep their scopes as a set and get ids `grant-1`, `grant-2`, … when first saved.
 */
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';

export interface FakeClientInit {
  clientName?: string;
  /** Extra registered metadata, e.g. `{ first_party: true }`. */
  metadata?: Record<string, unknown>;
}

export interface FakeSessionInit {
  jti: string;
  uid: string;
  accountId?: string;
  acr?: string;
  /** `sid` per client id. */
  sids?: Record<string, string>;
}

export interface FakeInteractionInit {
  uid?: string;
  prompt?: { name: string; reasons?: string[]; details?: Record<string, unknown> };
  params?: Record<string, unknown>;
  session?: { accountId?: string; cookie?: string; uid?: string };
  grantId?: string;
  result?: Record<string, unknown>;
}

export class FakeGrant {
  static saved: FakeGrant[] = [];
  static store = new Map<string, FakeGrant>();
  static counter = 0;
  jti?: string;
  readonly accountId: string;
  readonly clientId: string;
  readonly scopes = new Set<string>();
  readonly claims: string[] = [];
  readonly resourceScopes = new Map<string, string>();
  readonly rejectedScopes = new Set<string>();

  constructor(init: { accountId: string; clientId: string; scope?: string }) {
    this.accountId = init.accountId;
    this.clientId = init.clientId;
    if (init.scope) this.addOIDCScope(init.scope);
  }

  static find(this: typeof FakeGrant, id: string): Promise<FakeGrant | undefined> {
    return Promise.resolve(this.store.get(id));
  }

  getOIDCScope(): string {
    return [...this.scopes].join(' ');
  }

  addOIDCScope(scope: string): void {
    for (const s of scope.split(' ').filter(Boolean)) this.scopes.add(s);
  }

  rejectOIDCScope(scope: string): void {
    for (const s of scope.split(' ').filter(Boolean)) this.rejectedScopes.add(s);
  }

  getOIDCScopeEncountered(): string {
    return [...this.scopes, ...this.rejectedScopes].join(' ');
  }

  addOIDCClaims(claims: string[]): void {
    this.claims.push(...claims);
  }

  addResourceScope(indicator: string, scope: string): void {
    const previous = this.resourceScopes.get(indicator)?.split(' ') ?? [];
    this.resourceScopes.set(indicator, [...new Set([...previous, ...scope.split(' ').filter(Boolean)])].join(' '));
  }

  getResourceScope(indicator: string): string {
    return this.resourceScopes.get(indicator) ?? '';
  }

  save(): Promise<string> {
    const own = this.constructor as typeof FakeGrant;
    if (!this.jti) {
      own.counter += 1;
      this.jti = `grant-${own.counter}`;
    }
    own.store.set(this.jti, this);
    own.saved.push(this);
    return Promise.resolve(this.jti);
  }
}

export interface ProviderCall {
  result: Record<string, unknown>;
  options: unknown;
}

export interface FakeProvider {
  provider: Provider;
  /** The interaction `interactionDetails` answers (mutable between steps of a test). */
  interaction: (Interaction & { persisted: number }) | undefined;
  finished: ProviderCall[];
  results: ProviderCall[];
  /** The grant class: its `saved` and `store` show what was written. */
  Grant: typeof FakeGrant;
}

export function fakeProvider(init: { interaction?: FakeInteractionInit; clients?: Record<string, FakeClientInit>; sessions?: FakeSessionInit[]; grants?: FakeGrant[] } = {}): FakeProvider {
  // Each fake provider gets its own grant class, so tests never share grants.
  class Grant extends FakeGrant {
    static override saved: FakeGrant[] = [];
    static override store = new Map<string, FakeGrant>();
    static override counter = 0;
  }
  for (const grant of init.grants ?? []) {
    grant.jti ??= `grant-${(Grant.counter += 1)}`;
    Grant.store.set(grant.jti, grant);
  }
  const clients = new Map(Object.entries(init.clients ?? {}).map(([clientId, c]) => [clientId, {
    clientId,
    clientName: c.clientName,
    metadata: () => ({ client_id: clientId, ...(c.metadata ?? {}) }),
  }]));
  const sessions = new Map((init.sessions ?? []).map((s) => [s.jti, {
    jti: s.jti,
    uid: s.uid,
    accountId: s.accountId,
    acr: s.acr,
    sidFor: (clientId: string) => s.sids?.[clientId],
  }]));

  const fake: FakeProvider = {
    interaction: init.interaction && toInteraction(init.interaction),
    finished: [],
    results: [],
    Grant,
    provider: undefined as unknown as Provider,
  };
  const provider = {
    Grant,
    Client: { find: (id: string) => Promise.resolve(clients.get(id)) },
    Session: { find: (id: string) => Promise.resolve(sessions.get(id)) },
    cookieName: (name: string) => `portcullis.${name}`,
    interactionDetails: () => (fake.interaction ? Promise.resolve(fake.interaction) : Promise.reject(new Error('interaction session not found'))),
    interactionFinished(_req: unknown, _res: unknown, result: Record<string, unknown>, options: unknown) {
      fake.finished.push({ result, options });
      return Promise.resolve();
    },
    interactionResult(_req: unknown, _res: unknown, result: Record<string, unknown>, options: unknown) {
      fake.results.push({ result, options });
      if (fake.interaction) fake.interaction.result = result;
      return Promise.resolve('/auth/resume');
    },
  };
  fake.provider = provider as unknown as Provider;
  return fake;
}

function toInteraction(init: FakeInteractionInit): Interaction & { persisted: number } {
  const interaction = {
    uid: init.uid ?? 'uid-1',
    prompt: { name: init.prompt?.name ?? 'login', reasons: init.prompt?.reasons ?? [], details: init.prompt?.details ?? {} },
    params: { client_id: 'app', scope: 'openid', ...(init.params ?? {}) },
    session: init.session,
    grantId: init.grantId,
    result: init.result,
    persisted: 0,
    persist() {
      interaction.persisted += 1;
      return Promise.resolve('persisted');
    },
  };
  return interaction as unknown as Interaction & { persisted: number };
}

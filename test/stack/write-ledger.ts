/**
 * The failover drills' load: writers that register accounts through Nginx (the sign-up form, as
 * a person would) and create clients through the admin API, in a loop, and keep a ledger of
 * every write the service acknowledged (303 from /register, 201 from POST /admin/clients).
 * - Every attempt is timed, so a drill can measure its outage window from the attempts alone.
 * - `missingFrom(url)` lists acknowledged writes a server does not hold: after a failover it
 *   must be empty (zero acknowledged-write loss).
 */
import type * as client from 'openid-client';
import { adminUrls, query } from './stack-control.js';
import { UserAgent } from '../support/user-agent.js';
import { PASSWORD, authorizationRequest, uniqueEmail, type RegisteredClient } from '../support/oidc-harness.js';

export interface Attempt {
  kind: 'account' | 'client';
  startedAt: number;
  endedAt: number;
  ok: boolean;
  /** What failed (status or error), for the drill's report. */
  detail?: string;
}

export interface OutageWindow {
  /** Attempts that failed. */
  failed: number;
  /** From the first failed attempt's start to the end of the first success after the last failure. */
  windowMs: number;
  /** From `since` (the fault) to the end of the first success that started after the last failure. */
  recoveredAfterMs: number;
}

/** One attempt must not hang a writer: past this it counts as failed (and unacknowledged). */
const ATTEMPT_TIMEOUT_MS = 15_000;

export interface Writer {
  readonly attempts: Attempt[];
  readonly emails: string[];
  readonly clientIds: string[];
  /** Stops the loops and waits for the attempts in flight. */
  stop(): Promise<void>;
  /** Waits until `count` more writes have been acknowledged (or throws after `timeoutMs`). */
  acknowledged(count: number, timeoutMs?: number): Promise<void>;
  /**
   * Waits until writes have run clean for `quietMs` (no failure, at least one success) and
   * returns the outage since `since`; throws after `timeoutMs`.
   */
  settled(since: number, quietMs: number, timeoutMs: number): Promise<OutageWindow>;
  /** The outage since `since`, over every attempt or over one kind (`client`: straight to the instances; `account`: through Nginx). */
  outageSince(since: number, kind?: Attempt['kind']): OutageWindow;
  /** Acknowledged writes that the database at `url` does not hold. */
  missingFrom(url: string): Promise<{ emails: string[]; clientIds: string[] }>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

/** Registers one account through Nginx: authorization request → login page → sign-up form. */
async function registerAccount(config: client.Configuration, web: RegisteredClient, email: string): Promise<string | undefined> {
  const agent = new UserAgent();
  const request = await authorizationRequest(config, { redirect_uri: web.redirect_uris[0]! });
  const loginPage = await agent.follow(request.url);
  if (loginPage.status !== 200) return `login page ${loginPage.status}`;
  const href = /href="([^"]*\/register)"/.exec(loginPage.body)?.[1];
  if (!href) return 'no register link';
  const registerPage = await agent.request(new URL(href, loginPage.url).href);
  if (registerPage.status !== 200) return `register page ${registerPage.status}`;
  const registered = await agent.submit(registerPage, '/register', { email, name: 'Drill Writer', password: PASSWORD });
  return registered.status === 303 ? undefined : `register ${registered.status}`;
}

async function createClient(adminUrl: string, adminToken: string, n: number): Promise<{ clientId?: string; detail?: string }> {
  const response = await fetch(`${adminUrl}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: `drill-${n}`, redirect_uris: ['https://app.example.test/callback'] }),
  });
  if (response.status !== 201) return { detail: `create client ${response.status}` };
  return { clientId: ((await response.json()) as { client_id: string }).client_id };
}

/** Starts `loops` writers (accounts and clients alternate); `stop()` ends them. */
export function startWriter(options: { config: client.Configuration; web: RegisteredClient; adminToken: string; loops?: number }): Writer {
  const attempts: Attempt[] = [];
  const emails: string[] = [];
  const clientIds: string[] = [];
  const admins = adminUrls();
  let running = true;
  let n = 0;

  const attempt = async (kind: Attempt['kind']) => {
    const startedAt = Date.now();
    const i = n++;
    let detail: string | undefined;
    try {
      if (kind === 'account') {
        const email = uniqueEmail('drill');
        detail = await withTimeout(registerAccount(options.config, options.web, email), ATTEMPT_TIMEOUT_MS);
        if (detail === undefined) emails.push(email);
      } else {
        const created = await withTimeout(createClient(admins[i % admins.length]!, options.adminToken, i), ATTEMPT_TIMEOUT_MS);
        detail = created.detail;
        if (created.clientId) clientIds.push(created.clientId);
      }
    } catch (error) {
      detail = (error as Error).message;
    }
    attempts.push({ kind, startedAt, endedAt: Date.now(), ok: detail === undefined, ...(detail !== undefined && { detail }) });
    // A failed attempt is retried after a short pause, not in a tight loop.
    if (detail !== undefined) await new Promise((resolve) => setTimeout(resolve, 100));
  };

  const loop = async (first: Attempt['kind']) => {
    let kind = first;
    while (running) {
      await attempt(kind);
      kind = kind === 'account' ? 'client' : 'account';
    }
  };
  const loops = Array.from({ length: options.loops ?? 3 }, (_, i) => loop(i % 2 === 0 ? 'account' : 'client'));
  const okCount = () => emails.length + clientIds.length;

  return {
    attempts,
    emails,
    clientIds,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
    async acknowledged(count, timeoutMs = 60_000) {
      const target = okCount() + count;
      const deadline = Date.now() + timeoutMs;
      while (okCount() < target) {
        if (Date.now() > deadline) throw new Error(`only ${okCount() - target + count} of ${count} writes acknowledged in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async settled(since, quietMs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const lastFailure = Math.max(since, ...attempts.filter((a) => !a.ok).map((a) => a.endedAt));
        const cleanSince = attempts.some((a) => a.ok && a.startedAt >= lastFailure);
        if (cleanSince && Date.now() - lastFailure >= quietMs) return this.outageSince(since);
        if (Date.now() > deadline) throw new Error(`writes did not run clean for ${quietMs} ms within ${timeoutMs} ms (failures: ${describeFailures(attempts, since)})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    outageSince(since, kind) {
      const after = attempts.filter((a) => a.endedAt >= since && (kind === undefined || a.kind === kind));
      const failures = after.filter((a) => !a.ok);
      if (failures.length === 0) return { failed: 0, windowMs: 0, recoveredAfterMs: 0 };
      const lastFailureStart = Math.max(...failures.map((a) => a.startedAt));
      const firstFailureStart = Math.min(...failures.map((a) => a.startedAt));
      const recovered = after.filter((a) => a.ok && a.startedAt >= lastFailureStart).map((a) => a.endedAt);
      const end = recovered.length > 0 ? Math.min(...recovered) : Number.NaN;
      return { failed: failures.length, windowMs: end - firstFailureStart, recoveredAfterMs: end - since };
    },
    async missingFrom(url) {
      const accounts = await query<{ email: string }>(url, 'select email from accounts where email = any($1)', [emails]);
      const clients = await query<{ client_id: string }>(url, 'select client_id from clients where client_id = any($1)', [clientIds]);
      const haveEmails = new Set(accounts.map((r) => r.email));
      const haveClients = new Set(clients.map((r) => r.client_id));
      return { emails: emails.filter((e) => !haveEmails.has(e)), clientIds: clientIds.filter((c) => !haveClients.has(c)) };
    },
  };
}

/** The drill's log line: the outage over all writes, straight to the instances, and through Nginx. */
export function describeOutage(writer: Writer, since: number): string {
  const line = (w: OutageWindow) => `${w.failed} failed, window ${w.windowMs} ms, clean again ${w.recoveredAfterMs} ms after the fault`;
  return `all writes: ${line(writer.outageSince(since))}; admin API: ${line(writer.outageSince(since, 'client'))}; sign-ups through Nginx: ${line(writer.outageSince(since, 'account'))}; failures: ${describeFailures(writer.attempts, since)}`;
}

/** A one-line account of the failures, for assertion messages and the drill's log line. */
export function describeFailures(attempts: Attempt[], since: number): string {
  const failures = attempts.filter((a) => !a.ok && a.endedAt >= since);
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f.detail ?? '?', (counts.get(f.detail ?? '?') ?? 0) + 1);
  return [...counts].map(([detail, count]) => `${count}× ${detail}`).join(', ') || 'none';
}

/**
 * The scenarios: each runs for a fixed time against the target and is measured the same way —
 * completed requests, server CPU time over the run (/proc), latency percentiles, errors. Every
 * answer other than 2xx is an error; in the sign-in flow the 303s are the expected answers.
 */
import autocannon from 'autocannon';
import { basicAuth, signIn } from './flows.js';
import { readBuckets, p99Between, type RouteRef } from './server-latency.js';
import { cpuSeconds } from './cpu.js';
import type { Fixtures } from './fixtures.js';
import type { Target } from './target.js';


export interface Measured {
  scenario: string;
  /** Requests per second asked for (the "70 % of peak" runs); absent for a run at full speed. */
  rate?: number;
  connections: number;
  requests: number;
  seconds: number;
  rps: number;
  serverCpuSeconds: number;
  /** Server CPU seconds per wall second: how many cores the server kept busy. */
  serverCores: number;
  rpsPerCore: number;
  latencyMs: { p50: number; p90: number; p99: number };
  /** p99 as the app measured it (its request-duration histogram): time inside the app only. */
  serverP99Ms?: number;
  errors: number;
}

export interface Scenario {
  name: string;
  /** Per server core; absent where the issue sets none. */
  target?: number;
  published?: string;
  /** Token endpoints get a second run at 70 % of the peak for the p99 target. */
  p99At70?: boolean;
  /** The route whose server-side duration histogram gives `serverP99Ms`. */
  route?: RouteRef;
  run(ctx: RunContext): Promise<Omit<Measured, 'serverCpuSeconds' | 'serverCores' | 'rpsPerCore' | 'scenario' | 'rps' | 'serverP99Ms'>>;
}

export interface RunContext {
  target: Target;
  fixtures: Fixtures;
  seconds: number;
  connections: number;
  rate?: number;
}

const FORM = 'application/x-www-form-urlencoded';

type CannonMeasured = Omit<Measured, 'serverCpuSeconds' | 'serverCores' | 'rpsPerCore' | 'scenario' | 'rps' | 'serverP99Ms'>;

/** One autocannon run against the target with the run's connections, duration and rate. */
function fire(ctx: RunContext, options: Partial<autocannon.Options> & { requests?: autocannon.Request[] }): Promise<autocannon.Result> {
  return autocannon({
    url: ctx.target.baseUrl,
    // The issuer's host, as a relying party sends it (the stack is reached at 127.0.0.1, its
    // issuer is localhost): the app serves its precomputed documents only for its own origin.
    headers: { host: new URL(ctx.target.issuer).host },
    connections: ctx.connections,
    duration: ctx.seconds,
    ...(ctx.rate !== undefined && { overallRate: ctx.rate }),
    ...options,
  });
}

/** What a run measured, given how many answers were the expected ones and how many were errors. */
function measured(ctx: RunContext, result: autocannon.Result, requests: number, errors: number): CannonMeasured {
  return {
    ...(ctx.rate !== undefined && { rate: ctx.rate }),
    connections: ctx.connections,
    requests,
    seconds: result.duration,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 },
    errors,
  };
}

async function cannon(ctx: RunContext, options: Partial<autocannon.Options> & { requests?: autocannon.Request[] }): Promise<CannonMeasured> {
  const result = await fire(ctx, options);
  const ok = result['2xx'];
  if (result.errors + result.timeouts + result.non2xx > 0) {
    const statuses = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, { count }]) => `${code}×${count}`);
    console.error(`bench: errors: ${result.errors} connection errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx ${statuses.join(' ')}`);
  }
  return measured(ctx, result, ok, result.errors + result.timeouts + result.non2xx);
}

const get = (path: string): Scenario['run'] => (ctx) => cannon(ctx, { requests: [{ method: 'GET', path }] });

/**
 * Refresh with rotation: every request needs the token the previous one returned. Chains are
 * shared through one queue: a connection takes a token, its answer puts the successor back.
 * One request in flight per connection, and as many chains as connections plus spares.
 */
const refresh = (pick: (f: Fixtures) => { client: Fixtures['webEs256']; tokens: string[] }): Scenario['run'] => (ctx) => {
  const { client, tokens } = pick(ctx.fixtures);
  const queue = tokens.splice(0, tokens.length);
  const returnTo = (bucket: string[]) => bucket.push(...queue.splice(0, queue.length));
  return cannon(ctx, {
    requests: [{
      method: 'POST',
      path: '/token',
      headers: { authorization: basicAuth(client), 'content-type': FORM },
      setupRequest: (req) => ({ ...req, body: `grant_type=refresh_token&refresh_token=${queue.shift() ?? 'exhausted'}` }),
      onResponse: (status, body) => {
        if (status === 200) queue.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
      },
    }],
  }).finally(() => returnTo(tokens));
};

/**
 * The device flow's polling (RFC 8628 §3.4): a device asking the token endpoint whether its
 * person has signed in yet, for codes nobody confirms. The expected answer is a 400:
 * `authorization_pending`, or `slow_down` for a code polled again within 5 s (oidc/device-flow.ts),
 * which is most of them at full speed (the same path plus one counter). Anything else is an error.
 */
const devicePolling: Scenario['run'] = async (ctx) => {
  const { clientId, codes } = ctx.fixtures.device;
  let next = 0;
  let pending = 0;
  let slowDown = 0;
  let unexpected = 0;
  const result = await fire(ctx, {
    requests: [{
      method: 'POST',
      path: '/token',
      headers: { 'content-type': FORM },
      setupRequest: (req) => ({ ...req, body: `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=${encodeURIComponent(clientId)}&device_code=${codes[next++ % codes.length]!}` }),
      onResponse: (status, body) => {
        if (status === 400 && body.includes('"error":"authorization_pending"')) pending++;
        else if (status === 400 && body.includes('"error":"slow_down"')) slowDown++;
        else unexpected++;
      },
    }],
  });
  console.error(`bench: device-poll: ${pending} authorization_pending, ${slowDown} slow_down`);
  if (unexpected + result.errors + result.timeouts > 0) console.error(`bench: device-poll: ${unexpected} unexpected answers, ${result.errors} connection errors, ${result.timeouts} timeouts`);
  return measured(ctx, result, pending + slowDown, unexpected + result.errors + result.timeouts);
};

export const SCENARIOS: Scenario[] = [
  { name: 'discovery', target: 8000, route: { method: 'GET', route: '/.well-known/openid-configuration' }, run: get('/.well-known/openid-configuration') },
  { name: 'jwks', target: 8000, route: { method: 'GET', route: '/jwks' }, run: get('/jwks') },
  {
    name: 'client-credentials', target: 1000, p99At70: true, route: { method: 'POST', route: '/token' },
    published: 'Keycloak 120–200 per vCPU (best run 450); Hydra 257 per core',
    run: (ctx) => cannon(ctx, { requests: [{ method: 'POST', path: '/token', headers: { authorization: basicAuth(ctx.fixtures.service), 'content-type': FORM }, body: 'grant_type=client_credentials' }] }),
  },
  {
    // RFC 9068: the same grant with `resource=`, so the token is a JWT signed with RS256 (and
    // stored by its jti for introspection and revocation) instead of an opaque handle.
    name: 'client-credentials-jwt', route: { method: 'POST', route: '/token' },
    run: (ctx) => cannon(ctx, { requests: [{ method: 'POST', path: '/token', headers: { authorization: basicAuth(ctx.fixtures.service), 'content-type': FORM }, body: `grant_type=client_credentials&scope=${ctx.fixtures.jwtResource.scope}&resource=${encodeURIComponent(ctx.fixtures.jwtResource.identifier)}` }] }),
  },
  {
    name: 'introspection', target: 2600, p99At70: true, route: { method: 'POST', route: '/token/introspection' }, published: 'Hydra 2,554 per core',
    run: (ctx) => cannon(ctx, { requests: [{ method: 'POST', path: '/token/introspection', headers: { authorization: basicAuth(ctx.fixtures.service), 'content-type': FORM }, body: `token=${ctx.fixtures.accessToken}` }] }),
  },
  { name: 'refresh-es256', target: 700, p99At70: true, route: { method: 'POST', route: '/token' }, published: 'Keycloak 120 per vCPU (best run 350)', run: refresh((f) => ({ client: f.webEs256, tokens: f.refreshEs256 })) },
  { name: 'refresh-rs256', target: 400, route: { method: 'POST', route: '/token' }, published: 'Keycloak 120 per vCPU (best run 350)', run: refresh((f) => ({ client: f.webRs256, tokens: f.refreshRs256 })) },
  { name: 'device-poll', route: { method: 'POST', route: '/token' }, run: devicePolling },
  { name: 'userinfo', route: { method: 'GET', route: '/me' }, run: (ctx) => cannon(ctx, { requests: [{ method: 'GET', path: '/me', headers: { authorization: `Bearer ${ctx.fixtures.accessToken}` } }] }) },
  {
    name: 'sign-in', target: 30, published: 'Keycloak 15 password logins per vCPU',
    // Whole flows, not autocannon: five requests with cookies and a CSRF token per sign-in.
    async run(ctx) {
      const latencies: number[] = [];
      let errors = 0;
      let n = 0;
      const started = performance.now();
      const until = started + ctx.seconds * 1000;
      await Promise.all(Array.from({ length: ctx.connections }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          const email = ctx.fixtures.users[n++ % ctx.fixtures.users.length]!;
          try {
            await signIn(ctx.target, ctx.fixtures.webEs256, email);
            latencies.push(performance.now() - t);
          } catch (error) {
            if (errors++ === 0) console.error(`bench: sign-in failed: ${(error as Error).message}`);
          }
        }
      }));
      latencies.sort((a, b) => a - b);
      const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
      return { connections: ctx.connections, requests: latencies.length, seconds: (performance.now() - started) / 1000, latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99) }, errors };
    },
  },
];

/** Runs one scenario and adds the server's CPU time over it. */
export async function measure(scenario: Scenario, ctx: RunContext): Promise<Measured> {
  const pids = ctx.target.serverPids();
  const bucketsBefore = scenario.route && (await readBuckets(ctx.target.adminUrls, scenario.route));
  const cpuBefore = cpuSeconds(pids);
  const out = await scenario.run(ctx);
  const cpu = cpuSeconds(pids) - cpuBefore;
  const serverP99Ms = bucketsBefore && p99Between(bucketsBefore, await readBuckets(ctx.target.adminUrls, scenario.route!));
  const rps = out.requests / out.seconds;
  return {
    scenario: scenario.name,
    ...out,
    rps: Math.round(rps),
    serverCpuSeconds: +cpu.toFixed(2),
    serverCores: +(cpu / out.seconds).toFixed(2),
    rpsPerCore: cpu > 0 ? Math.round(out.requests / cpu) : 0,
    ...(serverP99Ms !== undefined && { serverP99Ms }),
  };
}

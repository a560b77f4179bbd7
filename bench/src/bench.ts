/**
 * `npm run bench`: starts (or finds) a server, prepares clients, users and tokens, runs every
 * scenario, and writes bench/results/<mode>-<time>.json plus a Markdown table on stdout.
 *
 *   npm run bench                   embedded server (PGlite in memory), started here
 *   npm run bench -- --stack        the local production stack through Nginx (brought up if down)
 *   options: --seconds N (10) --users N (200) --only a,b --smoke (2 s each, 8 users, 0 errors
 *            or exit 1) --cpu-prof (V8 profiles of the server, or of each stack instance, land in
 *            bench/results/profiles)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prepare } from './fixtures.js';
import { sessionMemory, type SessionMemory } from './redis-memory.js';
import { describeMachine } from './machine.js';
import { measure, SCENARIOS, type Measured } from './scenarios.js';
import { ROOT, startEmbedded, useStack } from './target.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    stack: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    seconds: { type: 'string' },
    users: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string' },
  },
  allowPositionals: true,
});
const seconds = Number(values.seconds ?? (values.smoke ? 2 : 10));
const users = Number(values.users ?? (values.smoke ? 8 : 200));
const only = values.only?.split(',');
const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.name));
const resultsDir = path.join(ROOT, 'bench/results');
const profileDir = path.join(resultsDir, 'profiles');

const profiling = values['cpu-prof'] ? { cpuProfDir: profileDir } : {};
const target = values.stack ? await useStack(profiling) : await startEmbedded(profiling);
const runs: Measured[] = [];
let redisPerSession: SessionMemory | undefined;
try {
  // Chains for the refresh scenarios: a run cuts off the chains in flight when it stops, so
  // enough for two runs of 16 connections plus spares.
  const fixtures = await prepare(target, { users, chains: values.smoke ? 20 : 48 });
  for (const scenario of scenarios) {
    const connections = scenario.name === 'sign-in' ? 8 : 16;
    const peak = await measure(scenario, { target, fixtures, seconds, connections });
    runs.push(peak);
    console.error(`bench: ${scenario.name}: ${peak.rps}/s, ${peak.rpsPerCore}/s per core (${peak.serverCores} cores), p99 ${peak.latencyMs.p99} ms, errors ${peak.errors}`);
    if (scenario.p99At70 && !values.smoke) {
      const paced = await measure(scenario, { target, fixtures, seconds, connections, rate: Math.max(1, Math.round(peak.rps * 0.7)) });
      runs.push(paced);
      console.error(`bench: ${scenario.name} at ${paced.rate}/s: p99 ${paced.latencyMs.p99} ms (inside the app ${paced.serverP99Ms ?? '—'} ms), errors ${paced.errors}`);
    }
  }
  if (target.redisUrl) redisPerSession = sessionMemory(target.redisUrl);
} finally {
  await target.close();
}

const report = { date: new Date().toISOString(), mode: target.mode, instances: target.instances, seconds, users, machine: describeMachine(), runs, ...(redisPerSession && { redisPerSession }) };
mkdirSync(resultsDir, { recursive: true });
const file = values.out ?? path.join(resultsDir, `${target.mode}-${report.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

/** The app's smallest request-duration bucket: a p99 inside it is only known to be under it. */
const FIRST_BUCKET_MS = 5;
const rows = runs.map((r) => {
  const s = SCENARIOS.find((x) => x.name === r.scenario)!;
  const name = r.rate === undefined ? r.scenario : `${r.scenario} @ ${r.rate}/s (70 %)`;
  const goal = r.rate === undefined ? (s.target ? `≥ ${s.target}` : '—') : 'p99 ≤ 25 ms';
  return `| ${name} | ${r.rps} | ${r.rpsPerCore} | ${r.serverCores} | ${r.latencyMs.p50} / ${r.latencyMs.p90} / ${r.latencyMs.p99} | ${r.serverP99Ms === undefined ? '—' : r.serverP99Ms <= FIRST_BUCKET_MS ? `≤ ${FIRST_BUCKET_MS}` : r.serverP99Ms} | ${r.errors} | ${goal} | ${r.rate === undefined ? (s.published ?? '—') : ''} |`;
});
console.log(['| Scenario | req/s | req/s per server core | server cores busy | p50 / p90 / p99 ms | server p99 ms | errors | target per core | published |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n'));
if (redisPerSession) console.log(`\nRedis per session: ${redisPerSession.perSession} bytes (Session ${redisPerSession.session} + uid index ${redisPerSession.sessionUidIndex} + Grant ${redisPerSession.grant}; ${redisPerSession.sampled} sessions sampled)`);
console.log(`\nresults: ${path.relative(ROOT, file)}`);
const errors = runs.reduce((n, r) => n + r.errors, 0);
if (errors > 0) {
  console.error(`bench: ${errors} errors`);
  process.exitCode = 1;
}

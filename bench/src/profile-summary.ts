/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): the busy (non-idle) time by
 * group, then self time by package and by function, so they can go into docs/benchmarks.md.
 *   node --import tsx bench/src/profile-summary.ts bench/results/profiles/<file>.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 20);
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (!n) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const short = url.replace(/^file:\/\//, '').replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^.*\/packages\//, 'packages/');
  const fn = `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  const pkg = url.startsWith('wasm://') ? 'PGlite (wasm)' : url.includes('node_modules') ? /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url)?.[1] ?? 'node_modules'
    : url.startsWith('node:') || !url ? (functionName.startsWith('(') ? functionName : 'node internals') : url.includes('/packages/') ? `portcullis ${/packages\/([^/]+)/.exec(url)?.[1]}` : 'other';
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n);
}
/** Where a busy (non-idle) sample went, in the groups docs/benchmarks.md reports. */
const SYSCALL_WRITES = new Set(['writeUtf8String', 'writeBuffer', 'writev', 'writeLatin1String', 'writeString', 'writeAsciiString']);
const GROUPS: [string, (pkg: string) => boolean][] = [
  ['logging (winston and its streams)', (p) => ['winston', 'winston-transport', 'logform', 'safe-stable-stringify', 'readable-stream', 'triple-beam', 'fecha', 'colors'].includes(p)],
  ['metrics (prom-client)', (p) => p === 'prom-client'],
  ['oidc-provider and jose', (p) => p === 'oidc-provider' || p === 'jose'],
  ['Redis client (ioredis)', (p) => p === 'ioredis' || p === 'denque' || p === 'standard-as-callback' || p === 'cluster-key-slot'],
  ['PostgreSQL client (pg, Kysely)', (p) => ['pg', 'pg-pool', 'pg-protocol', 'pg-types', 'kysely', 'portcullis db'].includes(p)],
  ['Koa and its helpers', (p) => ['koa', 'koa-compose', 'delegates', '@koa/router', 'type-is', 'on-finished', 'ee-first', 'vary', 'mime-types', 'content-type', 'cookies', 'keygrip', 'media-typer', 'parseurl', 'statuses', 'http-errors', 'fresh', 'accepts', 'negotiator', 'raw-body', 'koa-body', 'co-body', 'qs', 'destroy', 'encodeurl', 'escape-html'].includes(p)],
  ['Portcullis server code', (p) => p === 'portcullis server'],
  ['garbage collector', (p) => p === '(garbage collector)'],
];
const byGroup = new Map<string, number>();
let busy = 0;
for (const node of profile.nodes) {
  const n = hits.get(node.id) ?? 0;
  const { functionName, url } = node.callFrame;
  if (!n || functionName === '(idle)') continue;
  busy += n;
  const pkg = url.includes('node_modules') ? /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url)?.[1] ?? 'node_modules'
    : url.includes('/packages/') ? `portcullis ${/packages\/([^/]+)/.exec(url)?.[1]}` : functionName;
  const group = SYSCALL_WRITES.has(functionName) ? 'writes to sockets and files (system calls)'
    : GROUPS.find(([, test]) => test(pkg))?.[0] ?? (url.startsWith('node:') || !url ? 'Node.js: HTTP parsing, streams, timers, crypto calls' : 'other');
  byGroup.set(group, (byGroup.get(group) ?? 0) + n);
}

const table = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `| ${(100 * v / total).toFixed(1)} % | \`${k}\` |`).join('\n');
const ofBusy = [...byGroup].sort((a, b) => b[1] - a[1]).map(([k, v]) => `| ${(100 * v / busy).toFixed(1)} % | ${k} |`).join('\n');
console.log(`samples: ${total}, busy ${busy}\n\n| share of busy time | where |\n|---|---|\n${ofBusy}\n\n| self | package |\n|---|---|\n${table(byPackage)}\n\n| self | function |\n|---|---|\n${table(byFunction)}`);

/**
 * Summarises a V8 .cpuprofile (from `pnpm bench -- --cpu-prof`): self time by function and by
 * package, so the top frames can go into docs/benchmarks.md.
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
const table = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `| ${(100 * v / total).toFixed(1)} % | \`${k}\` |`).join('\n');
console.log(`samples: ${total}\n\n| self | package |\n|---|---|\n${table(byPackage)}\n\n| self | function |\n|---|---|\n${table(byFunction)}`);

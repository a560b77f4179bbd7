/**
 * Runs `bench/src/bench.ts` with the given options in a child process and hands back its exit
 * code, everything it printed, and the JSON report it wrote (for the bench smoke tests).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface BenchRun {
  code: number | null;
  log: string;
  /** The report, when the bench wrote one. */
  report?: Record<string, unknown> & { runs: { scenario: string; errors: number; requests: number }[] };
}

export async function runBench(args: string[]): Promise<BenchRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-bench-run-'));
  try {
    const out = path.join(dir, 'report.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/src/bench.ts', ...args, '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const report = await readFile(out, 'utf8').then((text) => JSON.parse(text) as BenchRun['report'], () => undefined);
    return { code, log, report };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const SCENARIO_NAMES = ['discovery', 'jwks', 'client-credentials', 'client-credentials-jwt', 'introspection', 'refresh-es256', 'refresh-rs256', 'device-poll', 'userinfo', 'sign-in'];

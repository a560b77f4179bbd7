/**
 * `pnpm bench --smoke`: every scenario for two seconds against a fresh embedded server, with
 * no errors. Only a check that the bench still works; it measures nothing (numbers from a
 * machine busy with the other test files mean little), and the real runs are never timed tests.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { STACK_MODE } from './support/test-server.js';

const root = path.resolve(import.meta.dirname, '..');

it('runs every bench scenario without an error', { skip: STACK_MODE && 'embedded only' }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-bench-smoke-'));
  try {
    const out = path.join(dir, 'smoke.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/src/bench.ts', '--smoke', '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, log);
    const report = JSON.parse(await readFile(out, 'utf8'));
    assert.deepEqual(report.runs.map((r: { scenario: string }) => r.scenario), ['discovery', 'jwks', 'client-credentials', 'introspection', 'refresh-es256', 'refresh-rs256', 'userinfo', 'sign-in']);
    // Errors must be 0. Completed requests are not asserted per scenario: on a machine busy with
    // the other test files a two-second run of a slow scenario may finish none, which is no fault.
    for (const run of report.runs) assert.equal(run.errors, 0, `${run.scenario}: ${run.errors} errors\n${log}`);
    assert.ok(report.runs.some((run: { requests: number }) => run.requests > 0), `no scenario completed a request\n${log}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

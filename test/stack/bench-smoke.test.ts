/**
 * `npm run bench -- --stack --smoke`: every scenario for two seconds through Nginx against the local
 * production stack, with no errors, and the Redis budget per signed-in session (≤ 2 KB, the
 * benchmark issue's target; a memory figure, not a timing). It proves the stack mode of the
 * bench works on a fresh clone; the measured runs are never timed tests.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runBench, SCENARIO_NAMES } from '../support/bench-run.js';

const REDIS_BYTES_PER_SESSION = 2048;

it('runs every bench scenario against the stack without an error, within the Redis budget per session', async () => {
  const { code, log, report } = await runBench(['--stack', '--smoke']);
  assert.equal(code, 0, log);
  assert.ok(report, log);
  assert.equal(report.mode, 'stack');
  assert.ok(Number(report.instances) >= 2, `measured ${String(report.instances)} instances`);
  assert.deepEqual(report.runs.map((r) => r.scenario), SCENARIO_NAMES);
  for (const run of report.runs) assert.equal(run.errors, 0, `${run.scenario}: ${run.errors} errors\n${log}`);
  assert.ok(report.runs.some((run) => run.requests > 0), `no scenario completed a request\n${log}`);
  const memory = report.redisPerSession as { perSession: number; sampled: number } | undefined;
  assert.ok(memory && memory.sampled > 0, `no session was sampled\n${log}`);
  assert.ok(memory.perSession > 0 && memory.perSession <= REDIS_BYTES_PER_SESSION, `${memory.perSession} bytes of Redis per session`);
});

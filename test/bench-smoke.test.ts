/**
 * `npm run bench -- --smoke`: every scenario for two seconds against a fresh embedded server, with
 * no errors. Only a check that the bench still works; it measures nothing (numbers from a
 * machine busy with the other test files mean little), and the real runs are never timed tests.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { STACK_MODE } from './support/test-server.js';
import { runBench, SCENARIO_NAMES } from './support/bench-run.js';

it('runs every bench scenario without an error', { skip: STACK_MODE && 'embedded only' }, async () => {
  const { code, log, report } = await runBench(['--smoke']);
  assert.equal(code, 0, log);
  assert.ok(report, log);
  assert.deepEqual(report.runs.map((r) => r.scenario), SCENARIO_NAMES);
  // Errors must be 0. Completed requests are not asserted per scenario: on a machine busy with
  // the other test files a two-second run of a slow scenario may finish none, which is no fault.
  for (const run of report.runs) assert.equal(run.errors, 0, `${run.scenario}: ${run.errors} errors\n${log}`);
  assert.ok(report.runs.some((run) => run.requests > 0), `no scenario completed a request\n${log}`);
});

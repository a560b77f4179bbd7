/* global process -- a node:test reporter runs in node */
// node:test reporter that counts leaf tests (not suites) and writes the totals as JSON, so the
// test script can print `tests: N passed, M failed` from the runner's own report.
// A file that fails to load is reported by node as a failed test, so it is counted too.
import { writeFileSync } from 'node:fs';

export default async function* countReporter(source) {
  const totals = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') {
      // A suite fails without failing tests when a hook (before/after) throws: count it.
      if (event.type === 'test:fail' && data.details?.error?.failureType === 'hookFailed') {
        totals.failed += 1;
        totals.failures.push(`${data.file ?? ''} › ${data.name} (hook)`);
      }
      continue;
    }
    if (data.skip || data.todo) totals.skipped += 1;
    else if (event.type === 'test:pass') totals.passed += 1;
    else {
      totals.failed += 1;
      totals.failures.push(`${data.file ?? ''} › ${data.name}`);
    }
  }
  writeFileSync(process.env.PORTCULLIS_TEST_SUMMARY ?? '.test-output/node-tests.json', JSON.stringify(totals));
  yield '';
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { traceIdOf } from './trace-context.js';

describe('traceparent parsing', () => {
  it('returns the trace id of a valid header', () => {
    assert.equal(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), '4bf92f3577b34da6a3ce929d0e0e4736');
  });
  it('rejects malformed, all-zero and version ff headers', () => {
    for (const bad of [undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01']) {
      assert.equal(traceIdOf(bad), undefined, String(bad));
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PORTCULLIS_VERSION } from '@portcullis/contract';
import { createMetrics } from './metrics.js';

void describe('metrics', () => {
  void it('exports portcullis_build_info with the version and the Node.js version', async () => {
    const text = await createMetrics({ maxClientLabels: 1, processMetrics: false }).registry.metrics();
    const line = `portcullis_build_info{version="${PORTCULLIS_VERSION}",node_version="${process.version}"} 1`;
    assert.ok(text.split('\n').includes(line), `expected the line ${line}`);
  });
});

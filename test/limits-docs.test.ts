/**
 * The limits' one table (README "Lockout policy") names every RATE_LIMIT_* variable with the
 * default the code uses, and no variable the code does not read.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { RATE_LIMIT_VARIABLES } from '@portcullis/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('rate-limit documentation', () => {
  it('the README lists every RATE_LIMIT_* variable with its default, and only those', async () => {
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    for (const [name, variable] of Object.entries(RATE_LIMIT_VARIABLES)) {
      assert.ok(readme.includes(`| \`${name}\` | \`${variable.default}\` |`), `README row for ${name} with default ${variable.default}`);
    }
    const named = new Set([...readme.matchAll(/RATE_LIMIT_[A-Z_]+/g)].map((m) => m[0]).filter((name) => name !== 'RATE_LIMIT_EXEMPT' && !name.endsWith('_')));
    assert.deepEqual([...named].sort(), Object.keys(RATE_LIMIT_VARIABLES).sort());
  });
});

/**
 * The store is chosen in one place: outside stores/, no server code imports a store's driver
 * or implementation, or builds a store's pieces itself. Tests may (they inspect a real Redis).
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * What only stores/ may import: a store's driver, its in-memory counters, and any store's
 * implementation folder (every folder under stores/, so a store added later is covered too).
 */
const STORE_ONLY_IMPORTS = [/^ioredis$/, /\/stores\/[^/]+\//, /\/stores\/memory-counters\.js$/];
/** What only stores/ may build: the artefact table's repository, a counter of a given kind. */
const STORE_ONLY_NAMES = /\b(createOidcPayloadRepository|RateLimiterRedis|RateLimiterMemory)\b/;

async function serverSources(): Promise<string[]> {
  const entries = await readdir(SRC, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith(`stores${path.sep}`) && !file.startsWith(`testing${path.sep}`));
}

describe('the stores boundary', () => {
  it('keeps every Redis and PostgreSQL-store choice inside stores/', async () => {
    const offenders: string[] = [];
    for (const file of await serverSources()) {
      const code = await readFile(path.join(SRC, file), 'utf8');
      for (const [, specifier] of code.matchAll(/^import[^;]*?from '([^']+)'/gms)) {
        if (STORE_ONLY_IMPORTS.some((pattern) => pattern.test(specifier!))) offenders.push(`${file} imports ${specifier}`);
      }
      const uncommented = code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      const name = STORE_ONLY_NAMES.exec(uncommented);
      if (name) offenders.push(`${file} uses ${name[1]}`);
    }
    assert.deepEqual(offenders, []);
  });
});

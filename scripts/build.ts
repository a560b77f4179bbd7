/**
 * `npm run build`: compiles every workspace package's src/ to JavaScript in its dist/, file for
 * file (no bundling, so stack traces name the same files and the layout stays the one in
 * docs/architecture.md), and copies the other files the code reads at run time (the stylesheet).
 * - Tests, test support and `testing/` helpers are left out: production never loads them.
 * - esbuild only strips types; `npm run typecheck` (tsc) is what checks them, and npm test runs it.
 * - Built code runs with `node --conditions=portcullis-dist`: that condition makes each package's
 *   `exports` point at dist/ instead of src/ (see the package.json files), so the built server
 *   never loads TypeScript and needs no tsx. Without it everything resolves to src/ as before.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
/** Every folder of packages/ (what production runs); each builds on its own, in any order. */
const PACKAGES = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'packages', entry.name, 'src')))
  .map((entry) => entry.name);

const isSourceOnly = (file: string): boolean =>
  /\.test\.ts$|\.test-support\.ts$/.test(file) || file.split('/').includes('testing');

async function buildPackage(name: string): Promise<number> {
  const src = join(root, 'packages', name, 'src');
  const dist = join(root, 'packages', name, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const files = readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(src, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((file) => !isSourceOnly(file));
  const scripts = files.filter((file) => file.endsWith('.ts'));
  await build({
    entryPoints: scripts.map((file) => join(src, file)),
    outdir: dist,
    outbase: src,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node22.12',
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
  const assets = files.filter((file) => !file.endsWith('.ts'));
  for (const file of assets) {
    mkdirSync(dirname(join(dist, file)), { recursive: true });
    copyFileSync(join(src, file), join(dist, file));
  }
  return scripts.length;
}

const started = performance.now();
const counts = await Promise.all(PACKAGES.map(buildPackage));
const total = counts.reduce((sum, n) => sum + n, 0);
console.log(`portcullis: built ${total} files of ${PACKAGES.length} packages into packages/*/dist in ${Math.round(performance.now() - started)} ms`);

/**
 * Every relative link of the project's Markdown (README, CONTRIBUTING, SECURITY, CHANGELOG,
 * docs/, every README.md under deploy/) points at a file that exists, and every `#anchor` at a heading of
 * its target, slugged as the code host renders headings (lower case, punctuation dropped, spaces
 * to hyphens, `-1`, `-2` for repeats). Offline and quick: it reads files only.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '..');

function markdownFiles(): string[] {
  const found = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md'];
  found.push(...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name === 'README.md') found.push(rel);
    }
  };
  walk('deploy');
  return found;
}

/** The anchors a Markdown file's headings get. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of stripCode(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

function stripCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Problems with the relative links of `file` (a path from the root), given its text. */
function linkProblems(file: string, markdown: string, read: (file: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const [, target] of stripCode(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // https:, mailto:
    const [pathPart, anchor] = target!.split('#') as [string, string | undefined];
    const resolved = pathPart ? path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(pathPart))) : file;
    if (resolved.startsWith('..')) { problems.push(`${file}: ${target} leaves the repository`); continue; }
    const text = read(resolved);
    if (text === undefined) { problems.push(`${file}: ${target} → ${resolved} does not exist`); continue; }
    if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(text).has(anchor)) problems.push(`${file}: ${target} → no heading #${anchor} in ${resolved}`);
  }
  return problems;
}

function readFromRoot(file: string): string | undefined {
  const full = path.join(root, file);
  if (!existsSync(full)) return undefined;
  return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8');
}

describe('Markdown links', () => {
  it('every relative link and #anchor in README, CONTRIBUTING, SECURITY, CHANGELOG, docs/ and deploy/ READMEs resolves', () => {
    const files = markdownFiles();
    assert.ok(files.length >= 15, files.join());
    const problems = files.flatMap((file) => linkProblems(file, readFileSync(path.join(root, file), 'utf8'), readFromRoot));
    assert.deepEqual(problems, []);
  });

  it('catches a missing file, a missing anchor, and slugs headings as the code host does', () => {
    const files: Record<string, string> = { 'docs/a.md': '# A\n## 8. Migrations, then the app\n### PgBouncer — the write path\n## Logs\n## Logs\n' };
    const read = (file: string) => files[file];
    assert.deepEqual(linkProblems('docs/b.md', '[x](a.md#8-migrations-then-the-app) [y](a.md#pgbouncer--the-write-path) [z](a.md#logs-1) [w](https://example.com/#nothing)', read), []);
    assert.match(linkProblems('docs/b.md', '[x](a.md#logs-2)', read).join(), /no heading #logs-2/);
    assert.match(linkProblems('docs/b.md', '[x](missing.md)', read).join(), /does not exist/);
    assert.deepEqual(linkProblems('docs/b.md', '`[x](missing.md)`\n```\n[y](gone.md)\n```', read), []);
  });
});

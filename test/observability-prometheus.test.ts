/**
 * The Prometheus configuration in deploy/prometheus, checked by Prometheus' own tool (Debian's
 * `prometheus` package ships promtool): the scrape config and rule files are valid, and every
 * alert passes its unit test in deploy/prometheus/tests/.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'deploy/prometheus');

function promtool(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('promtool', args, { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`promtool ${args.join(' ')} failed:\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

describe('deploy/prometheus', () => {
  it('passes promtool check config', async () => {
    assert.match(await promtool('check', 'config', 'prometheus.yml'), /SUCCESS/);
  });

  it('prometheus.yml loads every file in rules/', async () => {
    const config = await readFile(path.join(dir, 'prometheus.yml'), 'utf8');
    const block = /^rule_files:\n((?:\s+- \S+\n)+)/m.exec(config)?.[1] ?? '';
    const loaded = [...block.matchAll(/- (\S+)/g)].map((m) => m[1]!).sort();
    const files = (await readdir(path.join(dir, 'rules'))).filter((f) => f.endsWith('.yml')).map((f) => `rules/${f}`).sort();
    assert.deepEqual(loaded, files);
  });

  it('passes promtool check rules', async () => {
    const rules = (await readdir(path.join(dir, 'rules'))).map((f) => `rules/${f}`);
    assert.match(await promtool('check', 'rules', ...rules), /SUCCESS/);
  });

  it('has a passing unit test for every alert', async () => {
    const tests = (await readdir(path.join(dir, 'tests'))).filter((f) => f.endsWith('.yml')).map((f) => `tests/${f}`);
    assert.match(await promtool('test', 'rules', ...tests), /SUCCESS/);
    const ruleFiles = (await readdir(path.join(dir, 'rules'))).filter((f) => f.endsWith('-alerts.yml'));
    const alerts: string[] = [];
    for (const file of ruleFiles) alerts.push(...[...(await readFile(path.join(dir, 'rules', file), 'utf8')).matchAll(/^\s*- alert: (\S+)/gm)].map((m) => m[1]!));
    const tested = new Set<string>();
    for (const file of tests) {
      for (const m of (await readFile(path.join(dir, file), 'utf8')).matchAll(/alertname: (\S+)\n\s+exp_alerts:\n\s+- exp_labels/g)) tested.add(m[1]!);
    }
    assert.ok(alerts.length >= 10);
    assert.deepEqual(alerts.filter((a) => !tested.has(a)), [], 'alerts without a unit test that expects them to fire');
  });
});

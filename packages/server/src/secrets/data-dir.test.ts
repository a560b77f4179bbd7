import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeDataDir } from './data-dir.js';

const ME = 1000;
const SOMEONE = 1001;

describe('judging DATA_DIR', () => {
  it('leaves a directory of ours alone when only we can use it', () => {
    assert.deepEqual(judgeDataDir({ uid: ME, mode: 0o40700 }, ME), { action: 'ok' });
  });

  it('tightens a directory of ours that group or others can read, enter or write', () => {
    for (const mode of [0o755, 0o750, 0o701, 0o770, 0o777]) assert.deepEqual(judgeDataDir({ uid: ME, mode }, ME), { action: 'tighten' }, mode.toString(8));
  });

  it('refuses a shared directory of ours with the sticky bit and never narrows it (/tmp as root)', () => {
    const verdict = judgeDataDir({ uid: ME, mode: 0o41777 }, ME);
    assert.equal(verdict.action, 'refuse');
    assert.match(verdict.action === 'refuse' ? verdict.reason : '', /shared directory \(sticky bit/);
    assert.equal(judgeDataDir({ uid: SOMEONE, mode: 0o41777 }, ME).action, 'refuse', "someone else's /tmp too");
  });

  it("refuses someone else's directory that group or others can write", () => {
    for (const [mode, who] of [[0o777, /its group and every user/], [0o1777, /every user/], [0o775, /its group/], [0o702, /every user/]] as const) {
      const verdict = judgeDataDir({ uid: SOMEONE, mode }, ME);
      assert.equal(verdict.action, 'refuse', mode.toString(8));
      assert.match(verdict.action === 'refuse' ? verdict.reason : '', who);
      assert.match(verdict.action === 'refuse' ? verdict.reason : '', /uid 1001/);
    }
  });

  it("accepts someone else's directory that only its owner can write (root running on a user's directory)", () => {
    assert.deepEqual(judgeDataDir({ uid: SOMEONE, mode: 0o700 }, 0), { action: 'ok' });
    assert.deepEqual(judgeDataDir({ uid: SOMEONE, mode: 0o755 }, 0), { action: 'ok' });
  });
});

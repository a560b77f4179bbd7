/**
 * Mail at start-up, as an operator sees it: the banner says where mail goes, with SMTP_URL shown
 * without its password; a bad SMTP_URL or MAIL_FROM is refused by name before anything starts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startSmtpSink } from '@portcullis/server/testing/smtp-sink.js';
import { freePort } from './support/test-server.js';
import { runServerToExit, startServerProcess, type RunningServer } from './support/server-process.js';

describe('mail at start-up', () => {
  const dirs: string[] = [];
  let running: RunningServer | undefined;
  after(async () => {
    running?.child.kill('SIGTERM');
    await running?.exited;
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const dataDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-mail-start-'));
    dirs.push(dir);
    return path.join(dir, 'data');
  };

  it('names the SMTP server in the banner without the password', async () => {
    const sink = await startSmtpSink();
    try {
      const url = `smtp://mailer:hunter2-not-shown@127.0.0.1:${sink.port}`;
      running = await startServerProcess({ DATA_DIR: await dataDir(), PORT: String(await freePort()), ADMIN_PORT: String(await freePort()), SMTP_URL: url });
      assert.match(running.stderr(), new RegExp(`Mail: +SMTP smtp://mailer@127\\.0\\.0\\.1:${sink.port}\\n`));
      assert.doesNotMatch(running.stderr(), /hunter2/);
    } finally {
      await sink.stop();
    }
  });

  it('refuses a bad SMTP_URL and MAIL_FROM by name', async () => {
    const exit = await runServerToExit({ DATA_DIR: await dataDir(), SMTP_URL: 'http://mail.example.com', MAIL_FROM: 'not an address' });
    assert.equal(exit.code, 1);
    assert.match(exit.stderr, /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    assert.match(exit.stderr, /MAIL_FROM: must be an address/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { message } from './message.js';
import { messagesEn } from './messages.en.js';
import { errorTable } from '../http/app-error.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));
const ids = new Set(Object.keys(messagesEn));

/** The server's own source: every .ts file but tests and this folder. */
function sources(): { file: string; text: string }[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith('messages'))
    .map((file) => ({ file, text: readFileSync(join(SRC, file), 'utf8') }));
}

describe('messages', () => {
  it('fills parameters and picks the plural by the named number', () => {
    assert.equal(message('account.app_removed', { app: 'Billing' }), 'Billing no longer has access to your account.');
    assert.equal(message('account.sessions_others_ended', { count: 1 }), 'One other session was signed out.');
    assert.equal(message('account.sessions_others_ended', { count: 3 }), '3 other sessions were signed out.');
    assert.match(message('limit.new_device', { minutes: 1 }), /wait 1 minute, /);
    assert.match(message('limit.new_device', { minutes: 15 }), /wait 15 minutes, /);
  });

  it('has one wording for "too many attempts", the rate-limit error included', () => {
    const tooMany = Object.values(messagesEn).filter((text) => typeof text === 'string' && /^too many attempts/i.test(text));
    assert.deepEqual(tooMany, [message('limit.too_many_attempts')]);
    assert.equal(errorTable['request.rate_limited'].message, 'limit.too_many_attempts');
  });

  it('knows every id the code asks for', () => {
    const unknown: string[] = [];
    for (const { file, text } of sources()) {
      for (const [, id] of text.matchAll(/\bmessage\(\s*'([^']+)'/g)) if (!ids.has(id!)) unknown.push(`${file}: ${id}`);
    }
    for (const [code, entry] of Object.entries(errorTable)) if (!ids.has(entry.message)) unknown.push(`errorTable ${code}: ${entry.message}`);
    assert.deepEqual(unknown, []);
  });

  it('holds no message the code never uses', () => {
    const used = new Set<string>();
    for (const { text } of sources()) for (const [, literal] of text.matchAll(/'([a-z0-9_]+(?:\.[a-z0-9_]+)+)'/g)) used.add(literal!);
    assert.deepEqual([...ids].filter((id) => !used.has(id)), []);
  });
});

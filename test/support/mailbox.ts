/**
 * Reads what an embedded test server mailed: without SMTP_URL its sender writes each message as
 * one .eml file in DATA_DIR/mail (mail/mail-transport.ts). `nextMail` waits for the next message
 * to an address that the test has not read yet, decodes it (quoted-printable) and finds its links.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReadMail {
  to: string;
  subject: string;
  /** The raw message, quoted-printable soft breaks and escapes undone. */
  body: string;
  /** Every http(s) link in the message, in order, without duplicates. */
  links: string[];
}

const decodeQuotedPrintable = (text: string) =>
  Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim() ?? '';

export class Mailbox {
  private readonly seen = new Set<string>();
  constructor(private readonly dataDir: string) {}

  private async all(): Promise<{ file: string; mail: ReadMail }[]> {
    const dir = path.join(this.dataDir, 'mail');
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
    return Promise.all(files.map(async (file) => {
      const body = decodeQuotedPrintable(await readFile(path.join(dir, file), 'utf8'));
      const links = [...new Set([...body.matchAll(/https?:\/\/[^\s"<>]+/g)].map((m) => m[0].replaceAll('&amp;', '&')))];
      return { file, mail: { to: header(body, 'To'), subject: header(body, 'Subject'), body, links } };
    }));
  }

  /** Marks every message so far as read (a test then waits only for what comes next). */
  async skipAll(): Promise<void> {
    for (const { file } of await this.all()) this.seen.add(file);
  }

  /** The messages to `to` not read yet, marking them read. */
  async take(to: string): Promise<ReadMail[]> {
    const fresh = (await this.all()).filter(({ file, mail }) => !this.seen.has(file) && mail.to.includes(to));
    for (const { file } of fresh) this.seen.add(file);
    return fresh.map(({ mail }) => mail);
  }

  /** Waits for the next unread message to `to` whose subject matches. */
  async next(to: string, subject: RegExp, timeoutMs = 15_000): Promise<ReadMail> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = (await this.all()).find(({ file, mail }) => !this.seen.has(file) && mail.to.includes(to) && subject.test(mail.subject));
      if (found) {
        this.seen.add(found.file);
        return found.mail;
      }
      await sleep(100);
    }
    throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`);
  }
}

/** The one single-use link of `purpose` in a message. */
export function linkIn(mail: ReadMail, purpose: 'reset' | 'invite' | 'email'): string {
  const link = mail.links.find((l) => new URL(l).pathname.startsWith(`/recover/${purpose}/`));
  if (!link) throw new Error(`no /recover/${purpose}/ link in "${mail.subject}": ${mail.links.join(' ')}`);
  return link;
}

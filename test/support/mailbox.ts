/**
 * A person's mailbox over what a test server sent (test/support/mail.ts, the SMTP sink of
 * packages/server/src/testing/smtp-sink.ts): waits for the next message to an address that the
 * test has not read yet, and finds the single-use links in it. A message is read once, so a test
 * can ask for "the next reset mail" after several.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { readMailDir, type SinkMessage, type SmtpSink } from '@portcullis/server/testing/smtp-sink.js';
import { mailDirFor } from './mail.js';

export interface ReadMail extends SinkMessage {
  /** Every http(s) link in the text part, in order, without duplicates. */
  links: string[];
}

export class Mailbox {
  private readonly seen = new Set<string>();
  private constructor(private readonly read: () => Promise<SinkMessage[]>) {}

  /** The mail of a test server, wherever it went (its DATA_DIR/mail, or the stack's sink). */
  static ofServer(issuer: string): Mailbox {
    return new Mailbox(() => readMailDir(mailDirFor(issuer)));
  }

  /** What an SMTP sink in this process received. */
  static ofSink(sink: SmtpSink): Mailbox {
    return new Mailbox(() => Promise.resolve(sink.messages));
  }

  private async unread(to: string): Promise<ReadMail[]> {
    return (await this.read())
      .filter((m) => !this.seen.has(m.messageId) && m.to.some((address) => address === to.toLowerCase()))
      .map((m) => ({ ...m, links: [...new Set([...m.text.matchAll(/https?:\/\/\S+/g)].map((x) => x[0]))] }));
  }

  /** Marks every message so far as read (a test then waits only for what comes next). */
  async skipAll(): Promise<void> {
    for (const m of await this.read()) this.seen.add(m.messageId);
  }

  /** The messages to `to` not read yet, marking them read. */
  async take(to: string): Promise<ReadMail[]> {
    const fresh = await this.unread(to);
    for (const m of fresh) this.seen.add(m.messageId);
    return fresh;
  }

  /** Waits for the next unread message to `to` whose subject matches. */
  async next(to: string, subject: RegExp, timeoutMs = 15_000): Promise<ReadMail> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = (await this.unread(to)).find((m) => subject.test(m.subject));
      if (found) {
        this.seen.add(found.messageId);
        return found;
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

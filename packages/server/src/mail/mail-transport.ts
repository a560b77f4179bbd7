/**
 * Where the sender hands a rendered message:
 * - `smtpTransport`: nodemailer over SMTP_URL (smtp:// with STARTTLS when the server offers it,
 *   smtps:// for implicit TLS; credentials in the URL). Timeouts keep a stuck server from holding
 *   a claim past its lease.
 * - `fileTransport`: embedded mode without SMTP_URL; each message becomes one .eml file (0600) in
 *   DATA_DIR/mail, readable by any mail program.
 * A transport's `describe` never shows a password (startup-error.ts `redact`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { redact } from '../startup-error.js';

export interface OutgoingMessage {
  id: string;
  /** The template's id, sent as X-Portcullis-Template (mail filters, tests). */
  template: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  /** For logs and the banner: where mail goes, without credentials. */
  describe: string;
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

const headers = (message: OutgoingMessage) => ({
  from: message.from,
  to: message.to,
  subject: message.subject,
  text: message.text,
  html: message.html,
  // Stable per outbox row, so a message delivered twice (at-least-once) is recognisably the same.
  messageId: `<${message.id}@portcullis>`,
  headers: { 'Auto-Submitted': 'auto-generated', 'X-Portcullis-Template': message.template },
});

export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never);
  return {
    describe: `SMTP ${redact(url)}`,
    async send(message) {
      await transporter.sendMail(headers(message));
    },
    close: () => transporter.close(),
  };
}

export const MAIL_DIR_NAME = 'mail';

export function fileTransport(dataDir: string): MailTransport {
  const dir = path.join(dataDir, MAIL_DIR_NAME);
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `files in ${dir}`,
    async send(message) {
      const info = await builder.sendMail(headers(message));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${message.id}.eml`;
      await writeFile(path.join(dir, name), info.message as Buffer, { mode: 0o600 });
    },
    close: () => undefined,
  };
}

/** A failure as stored in `last_error`: one line, bounded, and no URL credentials. */
export function describeMailError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1***@').replace(/\s+/g, ' ').slice(0, 500);
}

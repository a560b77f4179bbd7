/**
 * A real SMTP server that keeps every message it is given (the `smtp-server` package), for tests
 * and the local stack. Senders talk to it exactly as to a mail relay: EHLO, optional AUTH (any
 * credentials are accepted), MAIL FROM, RCPT TO, DATA.
 * - In memory (`messages`) for tests in the same process; with `dir`, each message is also a file
 *   `<time>-<n>.eml` (0600) that another process reads with `readMailDir` (the stack's tests).
 * - `stop()` and `start()` again on the same port: a mail relay outage followed by recovery.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { freePort } from '@portcullis/db/testing/free-port';

export interface SinkMessage {
  /** The Message-ID header (the outbox row's id for Portcullis' messages). */
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface SmtpSink {
  port: number;
  /** smtp://127.0.0.1:port, for SMTP_URL. */
  url: string;
  messages: SinkMessage[];
  /** The first message (received so far or later) that `match` accepts. */
  waitFor(match: (message: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function parseMail(raw: Buffer | string): Promise<SinkMessage> {
  const parsed = await simpleParser(raw);
  const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
  return {
    messageId: parsed.messageId ?? '',
    from: parsed.from?.text ?? '',
    to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    headers,
  };
}

/** Every .eml file in `dir`, oldest first (the sink process of the local stack writes them). */
export async function readMailDir(dir: string): Promise<SinkMessage[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.eml')).sort();
  return Promise.all(names.map(async (name) => parseMail(await readFile(path.join(dir, name)))));
}

export async function startSmtpSink(options: { port?: number; host?: string; dir?: string } = {}): Promise<SmtpSink> {
  const port = options.port ?? (await freePort());
  const host = options.host ?? '127.0.0.1';
  const messages: SinkMessage[] = [];
  let count = 0;
  let server: SMTPServer | undefined;
  if (options.dir) await mkdir(options.dir, { recursive: true, mode: 0o700 });

  const create = () => new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'sink' }),
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        count += 1;
        const n = count;
        void (async () => {
          if (options.dir) await writeFile(path.join(options.dir, `${Date.now()}-${String(n).padStart(6, '0')}.eml`), raw, { mode: 0o600 });
          messages.push(await parseMail(raw));
        })().then(() => callback(), (error: Error) => callback(error));
      });
    },
  });

  const sink: SmtpSink = {
    port,
    url: `smtp://${host}:${port}`,
    messages,
    async waitFor(match, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching message reached the SMTP sink within ${timeoutMs} ms (it holds ${messages.length})`);
        await sleep(50);
      }
    },
    async start() {
      if (server) return;
      const next = create();
      await new Promise<void>((resolve, reject) => {
        next.once('error', reject);
        next.listen(port, host, () => resolve());
      });
      server = next;
    },
    async stop() {
      const current = server;
      server = undefined;
      if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
    },
  };
  await sink.start();
  return sink;
}

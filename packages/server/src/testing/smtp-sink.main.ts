/**
 * The SMTP sink as a process, for the local stack (infra/local/smtp-sink.sh):
 * `node --import tsx packages/server/src/testing/smtp-sink.main.ts PORT DIR` keeps every message
 * as an .eml file in DIR until SIGTERM.
 */
import { startSmtpSink } from './smtp-sink.js';

const [portArg, dir] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port < 1 || port > 65535 || !dir) {
  process.stderr.write('usage: smtp-sink.main.ts PORT DIR\n');
  process.exit(2);
}
const sink = await startSmtpSink({ port, dir });
process.stdout.write(`smtp sink listening on 127.0.0.1:${port}, messages in ${dir}\n`);
const stop = () => void sink.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

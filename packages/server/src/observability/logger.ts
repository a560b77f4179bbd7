/**
 * JSON logs through winston. Secrets never reach a log line: callers log ids and outcomes only,
 * and the redaction format below drops known secret-bearing keys as a second line of defence.
 * - Where lines go is the composition root's choice: stdout by default, an injected stream
 *   (tests capture everything a flow logs), and a central collector (`LOG_SHIP_URL`).
 */
import type { Writable } from 'node:stream';
import winston from 'winston';
import { parseLogShipUrl, SyslogTcpTransport } from './syslog.transport.js';

const SECRET_KEYS = /^(password|passwd|secret|client_secret|token|access_token|refresh_token|id_token|code|code_verifier|cookie|cookies|authorization|set-cookie|admin_token|adminToken)$/i;

const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEYS.test(key)) info[key] = '[redacted]';
  }
  return info;
});

export type Logger = winston.Logger;

export interface LoggerOptions {
  silent?: boolean;
  /** Write lines here instead of stdout (tests capture the output). */
  stream?: Writable;
  /** `syslog+tcp://host:port`: also ship every line to a central collector. */
  shipUrl?: string;
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const transports: winston.transport[] = [options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console()];
  if (options.shipUrl) transports.push(new SyslogTcpTransport(parseLogShipUrl(options.shipUrl)));
  return winston.createLogger({
    level,
    silent: options.silent ?? false,
    format: winston.format.combine(redact(), winston.format.timestamp(), winston.format.json()),
    transports,
  });
}

/** Waits (bounded) until shipped lines have left the process: call before exiting. */
export async function flushLogger(logger: Logger, timeoutMs = 2000): Promise<void> {
  await Promise.all(logger.transports.filter((t): t is SyslogTcpTransport => t instanceof SyslogTcpTransport).map((t) => t.flush(timeoutMs)));
}

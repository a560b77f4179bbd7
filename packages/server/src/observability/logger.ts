/**
 * JSON logs through winston. Secrets never reach a log line: callers log ids and outcomes only,
 * and the redaction format below drops known secret-bearing keys as a second line of defence.
 */
import winston from 'winston';

const SECRET_KEYS = /^(password|passwd|secret|client_secret|token|access_token|refresh_token|id_token|code|code_verifier|cookie|cookies|authorization|set-cookie)$/i;

const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEYS.test(key)) info[key] = '[redacted]';
  }
  return info;
});

export type Logger = winston.Logger;

export function createLogger(level: string, options: { silent?: boolean } = {}): Logger {
  return winston.createLogger({
    level,
    silent: options.silent ?? false,
    format: winston.format.combine(redact(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}

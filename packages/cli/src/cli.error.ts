/**
 * The CLI's one error type, with a typed union of dotted codes and one table mapping codes to exit
 * codes. Whatever throws a CliError has already written the user-facing sentence into `message`;
 * runCli prints it as `portcullis: <message>` on stderr, on one line.
 */
export type CliErrorCode =
  /** A flag or argument failed local validation; nothing was sent to the API. */
  | 'cli.usage'
  /** The environment or DATA_DIR/secrets.json is unusable. */
  | 'cli.config'
  /** The person answered no to a confirmation; nothing was changed. */
  | 'cli.cancelled'
  /** No token from --token, ADMIN_TOKEN or DATA_DIR/secrets.json. */
  | 'cli.no_token'
  | 'api.unreachable'
  | 'api.timeout'
  /** The API answered with its `{ error, message }` body. */
  | 'api.error'
  /** The API answered something outside the contract (wrong shape, not JSON). */
  | 'api.bad_response'
  /** The command ran but its outcome needs a person (e.g. `keys reseal` found unreadable values). */
  | 'cli.incomplete';

/** 2 is the conventional exit code for "you called me wrong"; everything else that fails is 1. */
const exitCodes: Record<CliErrorCode, 1 | 2> = {
  'cli.usage': 2,
  'cli.config': 1,
  'cli.cancelled': 1,
  'cli.no_token': 1,
  'api.unreachable': 1,
  'api.timeout': 1,
  'api.error': 1,
  'api.bad_response': 1,
  'cli.incomplete': 1,
};

export class CliError extends Error {
  readonly code: CliErrorCode;
  /** For `api.error`: the HTTP status and the API's own dotted code, e.g. `client.not_found`. */
  readonly status: number | undefined;
  readonly apiCode: string | undefined;

  constructor(code: CliErrorCode, message: string, details: { status?: number; apiCode?: string } = {}) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.status = details.status;
    this.apiCode = details.apiCode;
  }

  get exitCode(): 1 | 2 {
    return exitCodes[this.code];
  }
}

export function usageError(message: string): CliError {
  return new CliError('cli.usage', message);
}

/**
 * The only place the CLI speaks HTTP: one function per request, JSON both ways, Bearer auth.
 * - Every request is bounded by a timeout, so a hung server cannot hang a script that calls us.
 * - Every failure becomes a CliError with a one-line message: the API's own `message` when it sent
 *   `{ error, message }`, otherwise a sentence naming the URL and what went wrong.
 * - Every success body is parsed with the caller's zod schema before anyone reads it.
 */
import type { z } from 'zod';
import { apiErrorSchema } from '@portcullis/contract';
import { CliError } from './cli.error.js';
import type { Connection } from './connection.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface AdminRequest<S extends z.ZodType> {
  method: HttpMethod;
  /** Starts with `/admin/`; callers encode path parameters. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Parses the success body; a 204 is parsed as `undefined`. */
  schema: S;
}

export interface AdminClient {
  readonly baseUrl: string;
  request<S extends z.ZodType>(request: AdminRequest<S>): Promise<z.output<S>>;
}

export function createAdminClient(connection: Connection, timeoutMs = DEFAULT_TIMEOUT_MS): AdminClient {
  const { baseUrl, token } = connection;

  async function request<S extends z.ZodType>(req: AdminRequest<S>): Promise<z.output<S>> {
    const url = new URL(`${baseUrl}${req.path}`);
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (req.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        // The timeout covers reading the body too: the signal stays attached to the response.
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect would mean a misconfigured --admin-url; refusing it keeps the token where it was sent.
        redirect: 'error',
      });
      text = await response.text();
    } catch (error) {
      throw networkError(error, baseUrl, timeoutMs);
    }

    const what = `${req.method} ${url.pathname}`;
    const body = parseJson(text, response, what);
    if (!response.ok) throw apiError(response, body);

    const parsed = req.schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw new CliError('api.bad_response', `unexpected response from ${what}${where}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  return { baseUrl, request };
}

/** `undefined` for an empty body (204); a CliError when a non-empty success body is not JSON. */
function parseJson(text: string, response: Response, what: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // An error status with a non-JSON body (a proxy's HTML page, say) still gets a useful message.
    if (!response.ok) return undefined;
    throw new CliError('api.bad_response', `unexpected response from ${what}: not JSON`);
  }
}

function apiError(response: Response, body: unknown): CliError {
  const parsed = apiErrorSchema.safeParse(body);
  if (parsed.success) {
    return new CliError('api.error', parsed.data.message, { status: response.status, apiCode: parsed.data.error });
  }
  const statusText = response.statusText ? ` ${response.statusText}` : '';
  return new CliError('api.error', `the admin API answered ${response.status}${statusText}`, { status: response.status });
}

function networkError(error: unknown, baseUrl: string, timeoutMs: number): CliError {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new CliError('api.timeout', `the admin API at ${baseUrl} did not answer within ${timeoutMs / 1000} s`);
  }
  const codes = causeCodes(error);
  if (codes.includes('ECONNREFUSED')) {
    return new CliError('api.unreachable', `cannot reach the admin API at ${baseUrl} (is the server running?)`);
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  const reason = codes[0] ?? cause ?? (error instanceof Error ? error.message : String(error));
  return new CliError('api.unreachable', `cannot reach the admin API at ${baseUrl}: ${reason}`);
}

/**
 * fetch wraps socket errors as `TypeError('fetch failed', { cause })`; when a name resolves to
 * several addresses the cause is an AggregateError whose `errors` carry the codes.
 */
function causeCodes(error: unknown): string[] {
  const cause = error instanceof Error ? error.cause : undefined;
  const candidates = cause instanceof AggregateError ? [cause, ...(cause.errors as unknown[])] : [cause];
  return candidates.flatMap((candidate) =>
    candidate instanceof Error && 'code' in candidate && typeof candidate.code === 'string' ? [candidate.code] : [],
  );
}

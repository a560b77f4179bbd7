/**
 * What every command action receives, and the two habits they share.
 * - `connect` is called only after the action has validated its input: a bad flag exits 2
 *   without needing a token, let alone a running server.
 * - Every leaf command takes `--json`; `emit` makes sure that mode prints one document only.
 */
import type { Command } from 'commander';
import type { AdminClient } from '../admin-client.js';
import type { CliIo } from '../io.js';
import { printJson } from '../output.js';

export interface CommandContext {
  io: CliIo;
  connect(command: Command): Promise<AdminClient>;
}

export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print the API response as one JSON document');
}

/** Prints `document` as JSON under `--json`, otherwise runs the human renderer. */
export function emit(ctx: CommandContext, command: Command, document: unknown, human: () => void): void {
  if (command.opts<{ json?: boolean }>().json === true) printJson(ctx.io.stdout, document);
  else human();
}

/** Path parameters are user input: an id or e-mail address must not be able to change the route. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

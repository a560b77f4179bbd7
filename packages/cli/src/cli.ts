/**
 * runCli: one CLI invocation, in-process, returning the exit code instead of exiting.
 * - 0 success (and --help); 2 usage errors (commander's or local validation); 1 everything else.
 * - Every failure is one line on stderr, `portcullis: <message>`; stdout carries results only.
 */
import { CommanderError } from 'commander';
import { CliError } from './cli.error.js';
import type { CliIo } from './io.js';
import { safe } from './output.js';
import { buildProgram, type ProgramOptions } from './program.js';

export async function runCli(argv: readonly string[], io: CliIo, options: ProgramOptions = {}): Promise<number> {
  const program = buildProgram(io, options);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return report(io, error);
  }
}

function report(io: CliIo, error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already written its message or the help text through configureOutput.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    // `commander.help` with exit code 1 is a group called without a subcommand: help went to stderr.
    if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
    return 2;
  }
  if (error instanceof CliError) {
    printError(io, error.message);
    return error.exitCode;
  }
  printError(io, `unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

/** Server-supplied text is flattened to one line and stripped of terminal control characters. */
function printError(io: CliIo, message: string): void {
  io.stderr.write(`portcullis: ${safe(message.replace(/\s*[\r\n]+\s*/g, ' ').trim())}\n`);
}

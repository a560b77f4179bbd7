/**
 * Process entry point for `npm run portcullis -- ...`: hands the real process's argv, environment and
 * streams to runCli and sets the exit code. Everything else lives in cli.ts so tests run it in-process.
 * process.exitCode (not process.exit) lets stdout drain when it is a pipe.
 */
import { runCli } from './cli.js';
import { endQuietlyOnClosedPipe, terminalConfirm } from './terminal.js';

endQuietlyOnClosedPipe();
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  confirm: terminalConfirm(),
});

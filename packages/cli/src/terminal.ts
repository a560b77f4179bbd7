/**
 * The real process's terminal, for main.ts only.
 * - `confirm` is offered only when stdin and stderr are both a terminal: a person is there to
 *   answer. The question goes to stderr, so stdout keeps carrying results only.
 * - A closed pipe on stdout or stderr (`portcullis … | head -1`) ends the process quietly: the
 *   reader has all it wanted, and a stack trace for EPIPE would only be noise.
 */
import { createInterface } from 'node:readline/promises';

export function terminalConfirm(): ((question: string) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}

export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}

/**
 * What the CLI needs from the outside world, passed in so tests can run it in-process.
 * - `env` is read once, at the edge (see env.ts); nothing else looks at `process.env`.
 * - `cwd` resolves a relative DATA_DIR; it defaults to the process's working directory.
 * - `confirm` asks a person a yes/no question; it exists only when someone can answer (stdin and
 *   stderr are a terminal), so a script is never left waiting on a prompt.
 */
export interface Writer {
  write(chunk: string): unknown;
}

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: Writer;
  stderr: Writer;
  cwd?: string;
  confirm?: (question: string) => Promise<boolean>;
}

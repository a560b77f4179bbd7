/** Runs the CLI in-process and captures what it wrote, for tests. */
import { runCli } from '../cli.js';
import type { ProgramOptions } from '../program.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(
  argv: string[],
  env: Record<string, string | undefined>,
  options: ProgramOptions & { cwd?: string; confirm?: (question: string) => Promise<boolean> } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    {
      env,
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      cwd: options.cwd,
      confirm: options.confirm,
    },
    options,
  );
  return { code, stdout, stderr };
}

/** The environment a test CLI needs to reach `api`. */
export function envFor(api: { port: number }, token = 'test-admin-token'): Record<string, string> {
  return { ADMIN_HOST: '127.0.0.1', ADMIN_PORT: String(api.port), ADMIN_TOKEN: token };
}

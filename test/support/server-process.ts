/**
 * `packages/server/src/main.ts` and the `portcullis` CLI as real processes, as `npm start` and
 * `npm run portcullis` run them: for what only a process shows (locks, exit codes, files left
 * behind, the lines an operator reads).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** tsx by absolute URL, so a process may run from any directory. */
const tsx = import.meta.resolve('tsx');

export interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs main.ts until it exits (a start that must fail); `timeoutMs` kills a start that hangs. */
export function runServerToExit(env: Record<string, string>, timeoutMs = 60_000): Promise<Exit> {
  return run(['packages/server/src/main.ts'], { cwd: root, env, timeoutMs });
}

/** Runs the CLI from `cwd` with exactly `env` (plus PATH): nothing else of the test's environment leaks in. */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Exit> {
  return run([path.join(root, 'packages/cli/src/main.ts'), ...args], { cwd: options.cwd, env: options.env ?? {}, timeoutMs: 30_000, bare: true });
}

function run(args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number; bare?: boolean }): Promise<Exit> {
  const env = options.bare ? { PATH: process.env.PATH ?? '', ...options.env } : { ...process.env, ...options.env };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, ...args], { cwd: options.cwd, env, timeout: options.timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with its exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Starts main.ts and resolves once its banner is out (it is listening). */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', tsx, 'packages/server/src/main.ts'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const started = await Promise.race([
    new Promise<boolean>((resolve) => {
      const check = () => (stderr.includes('Portcullis is running') ? resolve(true) : setTimeout(check, 100));
      check();
    }),
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
  ]);
  if (!started) {
    child.kill('SIGKILL');
    throw new Error(`the server did not start:\n${stderr}`);
  }
  return { child, pid: child.pid!, stderr: () => stderr, exited };
}

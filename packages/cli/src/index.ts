export { runCli } from './cli.js';
export type { CliIo, Writer } from './io.js';

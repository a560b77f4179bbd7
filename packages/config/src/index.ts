export { loadConfig } from './config.js';
export type { Config, Mode, Secrets } from './config.js';
export { ConfigError } from './config.error.js';
export type { ConfigProblem } from './config.error.js';

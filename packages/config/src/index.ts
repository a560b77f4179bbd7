export { loadConfig } from './config.js';
export type { Config, MailConfig, Mode, RedisSentinelConfig, Registration, Secrets } from './config.js';
export { ConfigError } from './config.error.js';
export type { ConfigProblem } from './config.error.js';
export { DEFAULT_RATE_LIMITS, MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR, RATE_LIMIT_VARIABLES } from './rate-limits.js';
export type { RateLimits, RateLimitTier, RateLimitVariable } from './rate-limits.js';
export { DEFAULT_REFRESH_REUSE_WINDOW_SECONDS, DYNAMIC_REGISTRATION_MODES } from './dcr-env.js';
export type { DynamicRegistrationMode } from './dcr-env.js';

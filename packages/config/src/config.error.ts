/** Raised when the environment is invalid; lists every bad variable so one restart fixes them all. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    // One problem, one line; several, one line each under a heading.
    super(problems.length === 1
      ? `Invalid configuration: ${problems[0]!.variable}: ${problems[0]!.message}`
      : `Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

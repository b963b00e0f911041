/** ward's exit codes: documented in the README; scripts and CI depend on them. */
export const EXIT = {
  /** The task ran to the model's final answer. */
  success: 0,
  /** The session failed: the provider failed after its retries, or an unexpected error. */
  failure: 1,
  /** Bad invocation or configuration: unknown flag, missing key, bad working directory… */
  usage: 2,
  /** Stopped at --max-turns; the session can be resumed with --continue. */
  maxTurns: 3,
  /** Stopped at a budget limit (cost, tokens, time, tool calls); resumable with --continue. */
  budget: 4,
  /** The terminal went away (SIGHUP); everything up to that point is saved. */
  hangup: 129,
  /** Interrupted by SIGINT (Ctrl-C); everything up to that point is saved. */
  interrupted: 130,
  /** Terminated by SIGTERM; everything up to that point is saved. */
  terminated: 143,
  /** The reader of ward's output went away (a closed pipe); everything up to that point is saved. */
  brokenPipe: 141,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

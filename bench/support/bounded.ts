/**
 * Keeps every benchmark bounded in time: a child that outlives its deadline is killed and the
 * benchmark fails with a message, rather than hanging `npm run bench`.
 */
import type { ChildProcess } from 'node:child_process';

export interface Deadline {
  cancel(): void;
  /** Why the child was killed, or null while it was not. */
  expired(): string | null;
}

/** `kill` replaces the default (SIGKILL to the child) when the child is a wrapper such as `time`. */
export function killAfter(child: ChildProcess, ms: number, what: string, kill: () => void = () => child.kill('SIGKILL')): Deadline {
  let message: string | null = null;
  const timer = setTimeout(() => {
    message = `${what} did not finish within ${ms} ms and was killed`;
    kill();
  }, ms);
  return { cancel: () => clearTimeout(timer), expired: () => message };
}

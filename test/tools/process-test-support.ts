/**
 * Shared by the process tool tests (the environment itself comes from ./env.ts): a liveness
 * check that does not mistake a zombie for a running process (where PID 1 does not reap
 * orphans, killed grandchildren linger as zombies), and polling for what a process writes.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export function isRunning(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `probe` until it returns a value, giving up (with a thrown error) after `attempts`. */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, attempts = 400): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await delay(25);
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The number after `name=` in a command's output. */
export function pidFrom(output: string, name: string): number {
  const match = new RegExp(`${name}=(\\d+)`).exec(output);
  if (match?.[1] === undefined) throw new Error(`no ${name}=<pid> in output:\n${output}`);
  return Number(match[1]);
}

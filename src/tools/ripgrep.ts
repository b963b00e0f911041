/**
 * Running ripgrep for glob and grep: always spawned directly (never through a shell) with an
 * argument array, through the session's sandbox, with the stripped child environment.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ToolEnvironment } from './types.ts';

export interface RipgrepExit {
  readonly code: number | null;
  readonly stderr: string;
  /** Set when ripgrep could not be started at all. */
  readonly spawnError?: Error;
}

export interface RipgrepProcess {
  /** stdout, line by line. */
  readonly lines: AsyncIterable<string>;
  readonly exit: Promise<RipgrepExit>;
  stop(): void;
}

const MAX_STDERR_CHARS = 4000;

export function spawnRipgrep(env: ToolEnvironment, ripgrepPath: string, args: readonly string[], cwd: string, signal: AbortSignal): RipgrepProcess {
  // --no-config: a RIPGREP_CONFIG_PATH file must not change what the tools return.
  const spec = env.sandbox.wrap({ file: ripgrepPath, args: ['--no-config', ...args], cwd, env: env.childEnv });
  const child = spawn(spec.file, [...spec.args], { cwd: spec.cwd, env: { ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'], signal });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.slice(0, MAX_STDERR_CHARS - stderr.length);
  });
  const exit = new Promise<RipgrepExit>((resolve) => {
    child.on('error', (error) => {
      // An abort also lands here; the caller checks its signal.
      if (child.pid === undefined) resolve({ code: null, stderr, spawnError: error });
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  return {
    lines,
    exit,
    stop: () => {
      lines.close();
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

/** Strips the `./` ripgrep puts before paths when it searches `.`. */
export function ripgrepRelative(path: string): string {
  return path.startsWith('./') ? path.slice(2) : path;
}

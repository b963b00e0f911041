/**
 * Runs a command to completion and reports its peak resident set size. Two methods:
 *  - 'gnu-time': `/usr/bin/time -f %M`, the kernel's own maxrss for the process (from wait4),
 *    exact; used when GNU time is installed.
 *  - 'proc-poll': reads VmHWM (the kernel's RSS high-water mark) from /proc/<pid>/status
 *    every 20 ms; since VmHWM only grows, the last read is the peak up to then, so at most
 *    the final 20 ms before exit can go unseen. Linux only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { killAfter } from './bounded.ts';

export type RssMethod = 'gnu-time' | 'proc-poll';

export interface MeasuredRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  readonly peakRssKb: number;
  readonly method: RssMethod;
}

export interface MeasuredRunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

const GNU_TIME = '/usr/bin/time';
const POLL_INTERVAL_MS = 20;
const kilobytes = z.coerce.number().int().positive();

export function defaultRssMethod(): RssMethod {
  if (!existsSync(GNU_TIME)) return 'proc-poll';
  // BusyBox and BSD `time` lack -f/-o; only trust a time that answers them as GNU time does.
  const probe = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8', timeout: 5_000 });
  return probe.status === 0 && kilobytes.safeParse(probe.stderr.trim()).success ? 'gnu-time' : 'proc-poll';
}

export async function runMeasuringPeakRss(command: string, args: readonly string[], method: RssMethod, options: MeasuredRunOptions): Promise<MeasuredRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'ward-bench-rss-'));
  const timeFile = join(outDir, 'maxrss-kb');
  try {
    const [file, argv] = method === 'gnu-time' ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]] : [command, [...args]];
    const started = performance.now();
    const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = killAfter(child, options.timeoutMs, `${command} ${args.join(' ')}`, () => killWithChildren(child.pid));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

    let polledKb = 0;
    const poll = method === 'proc-poll' && child.pid !== undefined ? pollHighWaterMark(child.pid, (kb) => (polledKb = Math.max(polledKb, kb))) : null;
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    });
    const wallMs = performance.now() - started;
    deadline.cancel();
    if (poll !== null) clearInterval(poll);
    const expired = deadline.expired();
    if (expired !== null) throw new Error(expired);

    const peakRssKb = method === 'gnu-time' ? kilobytes.parse(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) : polledKb;
    return { code, signal, stdout, stderr, wallMs, peakRssKb, method };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Killing GNU time alone would leave ward running: its children (from /proc) go first. */
function killWithChildren(pid: number | undefined): void {
  if (pid === undefined) return;
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((id) => id !== '').map(Number);
  } catch {
    // No /proc (not Linux) or already gone: killing the process itself is all that is left.
  }
  for (const id of [...children, pid]) {
    try {
      process.kill(id, 'SIGKILL');
    } catch {
      // Already exited.
    }
  }
}

function pollHighWaterMark(pid: number, record: (kb: number) => void): NodeJS.Timeout {
  const read = (): void => {
    try {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match?.[1] !== undefined) record(Number(match[1]));
    } catch {
      // The process has exited (or is exiting) between two polls: the last read stands.
    }
  };
  read();
  return setInterval(read, POLL_INTERVAL_MS);
}

/**
 * The shell state one ward session carries between bash calls: the directory the last command
 * ended in, and the background jobs it started. Also how every such process is run: detached in
 * its own process group, so ending it (timeout, cancellation, bash_kill, end of session) ends
 * everything it started, not only the shell at the top.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { SpawnSpec } from '../sandbox/types.ts';
import { HeadTailBuffer } from './output-cap.ts';

/** How long a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 1000;
/** How long after the shell exits its output pipes may stay open before leftovers are ended. */
const LEFTOVER_GRACE_MS = 200;
const POLL_MS = 25;
/** The side channel only ever carries a directory name; anything longer is noise. */
const SIDE_CHANNEL_LIMIT = 64 * 1024;

export type StopReason = 'timeout' | 'cancel' | 'kill';

export interface ProcessOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when ward ended the process, and why. */
  readonly stoppedBy: StopReason | null;
  /** The shell exited but processes it started were still running, and were ended. */
  readonly leftoversKilled: boolean;
  /** Set when the process could not be started at all. */
  readonly spawnError: string | null;
  /** What the process wrote on fd 3, when a side channel was asked for. */
  readonly sideChannel: string;
}

export interface GroupProcess {
  /** The process id, which is also the process group id; null when spawning failed. */
  readonly pid: number | null;
  /** stdout and stderr, in arrival order. */
  readonly output: HeadTailBuffer;
  readonly done: Promise<ProcessOutcome>;
  /** The outcome once `done` has settled, null before. */
  readonly outcome: ProcessOutcome | null;
  /** Ends the whole process group (SIGTERM, then SIGKILL after a grace period). */
  stop(reason: StopReason): Promise<void>;
}

export interface StartOptions {
  readonly outputCapChars: number;
  /** Open fd 3 in the child as a pipe back to ward (used to report the final directory). */
  readonly sideChannel?: boolean;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}

/**
 * Whether any process of the group is still running. A zombie does not count: where PID 1
 * does not reap orphans (some containers), orphaned zombies linger and still answer kill(0).
 */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Format: "pid (comm) state ppid pgrp ..."; comm may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processGroupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await delay(POLL_MS);
  }
  return true;
}

/** SIGTERM to the whole group, SIGKILL to whatever is left after the grace period. */
export async function terminateGroup(pgid: number, graceMs: number = KILL_GRACE_MS): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupExit(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitForGroupExit(pgid, graceMs);
}

/** Spawns `spec` detached in a new process group, stdin on /dev/null, output bounded. */
/**
 * Every process group ward has started and not yet seen end. Kept for the last resort: when
 * ward exits by any path (a second Ctrl-C, SIGHUP, an uncaught error), the 'exit' hook kills
 * them all synchronously, so nothing ward started outlives it.
 */
const liveGroups = new Set<number>();

/** SIGKILLs every process group ward started that is still running. Synchronous. */
export function killAllGroupsNow(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}
process.on('exit', killAllGroupsNow);

export function startGroupProcess(spec: SpawnSpec, options: StartOptions): GroupProcess {
  const output = new HeadTailBuffer(options.outputCapChars);
  let child: ChildProcess;
  try {
    child = spawn(spec.file, [...spec.args], {
      cwd: spec.cwd,
      env: { ...spec.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', options.sideChannel === true ? 'pipe' : 'ignore'],
    });
  } catch (error) {
    // Arguments spawn rejects outright (a NUL byte in the command) fail like a missing binary.
    return notStarted(output, error instanceof Error ? error.message : String(error));
  }
  const pid = child.pid ?? null;
  if (pid !== null) liveGroups.add(pid);
  let stoppedBy: StopReason | null = null;
  let stopping: Promise<void> | null = null;
  // Read through a function: `stopping` is set from stop(), which flow analysis cannot see.
  const pendingStop = (): Promise<void> | null => stopping;
  let sideChannel = '';
  let outcome: ProcessOutcome | null = null;

  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  const side = child.stdio[3];
  if (side && 'on' in side) {
    side.on('data', (chunk: Buffer) => {
      if (sideChannel.length < SIDE_CHANNEL_LIMIT) sideChannel += chunk.toString('utf8');
    });
  }

  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const done = new Promise<ProcessOutcome>((resolve) => {
    const finish = (fields: Omit<ProcessOutcome, 'stoppedBy' | 'sideChannel'>): void => {
      if (pid !== null) liveGroups.delete(pid);
      output.end();
      outcome = { ...fields, stoppedBy, sideChannel };
      resolve(outcome);
    };
    child.on('error', (error) => {
      // 'error' without a pid means the spawn itself failed; with a pid, 'exit' still follows.
      if (pid === null && outcome === null) {
        finish({ exitCode: null, signal: null, leftoversKilled: false, spawnError: error.message });
      }
    });
    child.once('exit', (exitCode, signal) => {
      void (async () => {
        if (pid === null) return;
        // Something the command started in the background may still hold the pipes open, or
        // run with its output redirected elsewhere. Nothing started here outlives the call.
        let leftoversKilled = false;
        const earlyStop = pendingStop();
        if (earlyStop !== null) {
          await earlyStop;
        } else {
          await Promise.race([closed, delay(LEFTOVER_GRACE_MS, undefined, { ref: false })]);
          // A stop may have begun during the wait; then it owns the ending.
          const lateStop = pendingStop();
          if (lateStop !== null) await lateStop;
          else if (processGroupAlive(pid)) {
            leftoversKilled = true;
            await terminateGroup(pid);
          }
        }
        // A process that left the group (setsid) may still hold a pipe: stop waiting for it.
        const closedNow = await Promise.race([closed.then(() => true), delay(LEFTOVER_GRACE_MS, undefined, { ref: false }).then(() => false)]);
        if (!closedNow) {
          child.stdout?.destroy();
          child.stderr?.destroy();
          if (side && 'destroy' in side) side.destroy();
        }
        finish({ exitCode, signal, leftoversKilled, spawnError: null });
      })();
    });
  });

  return {
    pid,
    output,
    done,
    get outcome() {
      return outcome;
    },
    async stop(reason: StopReason): Promise<void> {
      if (pid === null || outcome !== null) return;
      if (stopping === null) {
        stoppedBy = reason;
        stopping = terminateGroup(pid);
      }
      await stopping;
    },
  };
}

function notStarted(output: HeadTailBuffer, message: string): GroupProcess {
  output.end();
  const outcome: ProcessOutcome = { exitCode: null, signal: null, stoppedBy: null, leftoversKilled: false, spawnError: message, sideChannel: '' };
  return { pid: null, output, done: Promise.resolve(outcome), outcome, stop: () => Promise.resolve() };
}

export interface BackgroundJob {
  readonly id: string;
  readonly command: string;
  readonly process: GroupProcess;
}

/** One per ward session. Not shared between sessions, so jobs and directories never mix. */
export class ShellSession {
  readonly projectRoot: string;
  #cwd: string;
  readonly #jobs = new Map<string, BackgroundJob>();
  /** Foreground commands still running, so the end of the session can stop them too. */
  readonly #foreground = new Set<GroupProcess>();
  #nextJobNumber = 1;

  constructor(projectRoot: string) {
    this.projectRoot = projectRoot;
    this.#cwd = projectRoot;
  }

  /** The directory the next command starts in. */
  get cwd(): string {
    return this.#cwd;
  }

  /**
   * The directory for the next command. When the remembered one no longer exists the project
   * root is used instead, and the returned note says so (the model must not be surprised).
   */
  prepareCwd(): { cwd: string; note: string | null } {
    if (isDirectory(this.#cwd)) return { cwd: this.#cwd, note: null };
    const gone = this.#cwd;
    this.#cwd = this.projectRoot;
    return { cwd: this.#cwd, note: `The working directory ${gone} no longer exists; the command ran in the project root ${this.projectRoot}.` };
  }

  /**
   * Remembers where a command ended. `reported` is what the command's shell printed with
   * `pwd -P`, or '' when it could not (killed, or its directory was deleted under it).
   * Returns a note when the directory had to fall back to the project root.
   */
  recordCwd(reported: string): string | null {
    const path = reported.replace(/\n$/, '').split('\n').pop() ?? '';
    if (path !== '' && isAbsolute(path) && isDirectory(path)) {
      this.#cwd = path;
      return null;
    }
    if (isDirectory(this.#cwd)) return null;
    const gone = this.#cwd;
    this.#cwd = this.projectRoot;
    return `The working directory ${gone} no longer exists; the next command starts in the project root ${this.projectRoot}.`;
  }

  addJob(command: string, running: GroupProcess): BackgroundJob {
    const job: BackgroundJob = { id: `bg_${this.#nextJobNumber}`, command, process: running };
    this.#nextJobNumber += 1;
    this.#jobs.set(job.id, job);
    return job;
  }

  /** Tracks a foreground command until it ends, so killAll reaches it as well. */
  trackForeground(running: GroupProcess): void {
    if (running.outcome !== null) return;
    this.#foreground.add(running);
    void running.done.then(() => this.#foreground.delete(running));
  }

  job(id: string): BackgroundJob | undefined {
    return this.#jobs.get(id);
  }

  jobIds(): string[] {
    return [...this.#jobs.keys()];
  }

  /** Ends every process still running, background jobs and foreground commands alike; awaited at the end of a session. */
  async killAll(): Promise<void> {
    const running = [...[...this.#jobs.values()].map((job) => job.process), ...this.#foreground]
      .filter((child) => child.outcome === null);
    await Promise.all(running.map(async (child) => {
      await child.stop('kill');
      await child.done;
    }));
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

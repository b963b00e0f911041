/**
 * Whether this machine can sandbox commands, and with what. Finding the binary is not enough:
 * a kernel or a security module can forbid the namespaces bubblewrap needs, so on Linux a
 * trivial sandbox is actually started, with the same isolation flags every command gets, and
 * its real error is reported with the fix when it fails.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isolationArgs } from './bubblewrap.ts';

export type SandboxDetection =
  | {
      readonly available: true;
      readonly backend: 'bubblewrap' | 'seatbelt';
      readonly path: string;
      /** bubblewrap only: whether --disable-userns works here (bubblewrap 0.8 or later). */
      readonly disableNestedUserNamespaces?: boolean;
    }
  | { readonly available: false; readonly reason: string; readonly fix: string };

const SEATBELT_PATH = '/usr/bin/sandbox-exec';
const DEFAULT_TRIAL_TIMEOUT_MS = 10_000;
const INSTALL_FIX = 'install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap)';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, pathVariable: string | undefined): string | null {
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '' || !dir.startsWith('/')) continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return null;
}

interface Trial {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs `file args` with an empty environment, stdin closed, bounded in time and output. */
function runTrial(file: string, args: readonly string[], timeoutMs: number): Promise<Trial> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: {}, timeout: timeoutMs });
    const collect = (chunk: Buffer): void => {
      if (output.length < 4096) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => resolve({ ok: false, output: error.message }));
    child.once('close', (code, signal) => resolve({ ok: code === 0, output: signal === null ? output.trim() : `${output.trim()} (killed by ${signal})`.trim() }));
  });
}

function readSysctl(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** What to do when bubblewrap exists but cannot create its namespaces. */
function namespaceFix(): string {
  if (readSysctl('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return 'AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later): install the distribution bubblewrap package, which ships an AppArmor profile allowing it (/etc/apparmor.d/bwrap-userns-restrict), or run: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0';
  }
  if (readSysctl('/proc/sys/kernel/unprivileged_userns_clone') === '0') {
    return 'unprivileged user namespaces are disabled: sudo sysctl -w kernel.unprivileged_userns_clone=1 (add it to /etc/sysctl.d/ to keep it)';
  }
  if (readSysctl('/proc/sys/user/max_user_namespaces') === '0') {
    return 'user namespaces are disabled: sudo sysctl -w user.max_user_namespaces=15000 (add it to /etc/sysctl.d/ to keep it)';
  }
  return 'enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0; on Ubuntu 24.04 kernel.apparmor_restrict_unprivileged_userns=0 or the bwrap AppArmor profile), or, inside a container, allow them in its seccomp and AppArmor settings';
}

/** The arguments of the trial: the isolation every command gets, around `true`. */
function trialArgs(disableNestedUserNamespaces: boolean): string[] {
  return [
    ...isolationArgs(disableNestedUserNamespaces),
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--',
    'true',
  ];
}

async function detectBubblewrap(env: Readonly<Record<string, string | undefined>>, timeoutMs: number): Promise<SandboxDetection> {
  const path = findOnPath('bwrap', env.PATH);
  if (path === null) return { available: false, reason: 'bubblewrap (bwrap) is not installed or not on PATH', fix: INSTALL_FIX };
  const full = await runTrial(path, trialArgs(true), timeoutMs);
  if (full.ok) return { available: true, backend: 'bubblewrap', path, disableNestedUserNamespaces: true };
  // bubblewrap before 0.8 does not know --disable-userns; everything else works the same.
  if (/disable-userns/.test(full.output)) {
    const older = await runTrial(path, trialArgs(false), timeoutMs);
    if (older.ok) return { available: true, backend: 'bubblewrap', path, disableNestedUserNamespaces: false };
    return { available: false, reason: `bubblewrap cannot start a sandbox: ${older.output || 'it failed without a message'}`, fix: namespaceFix() };
  }
  const namespaces = /namespace|uid map|setting up|Operation not permitted|Permission denied|No space left on device/i.test(full.output);
  return {
    available: false,
    reason: `bubblewrap cannot start a sandbox: ${full.output || 'it failed without a message'}`,
    fix: namespaces ? namespaceFix() : `check that ${path} is bubblewrap and works: ${path} --ro-bind / / -- true`,
  };
}

async function detectSeatbelt(timeoutMs: number): Promise<SandboxDetection> {
  if (!executable(SEATBELT_PATH)) {
    return { available: false, reason: `${SEATBELT_PATH} is missing`, fix: 'sandbox-exec ships with macOS; it may have been removed by a system modification' };
  }
  const trial = await runTrial(SEATBELT_PATH, ['-p', '(version 1)(allow default)', '/usr/bin/true'], timeoutMs);
  if (!trial.ok) return { available: false, reason: `sandbox-exec cannot start a sandbox: ${trial.output || 'it failed without a message'}`, fix: 'ward cannot sandbox commands inside another sandbox; run ward outside it' };
  return { available: true, backend: 'seatbelt', path: SEATBELT_PATH };
}

export interface DetectOptions {
  /** How long the trial sandbox may take to start and exit before it counts as failed. */
  readonly trialTimeoutMs?: number;
}

/** Detects the sandbox for `platform` (process.platform), looking binaries up on `env.PATH`. */
export async function detectSandbox(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, options: DetectOptions = {}): Promise<SandboxDetection> {
  const timeoutMs = options.trialTimeoutMs ?? DEFAULT_TRIAL_TIMEOUT_MS;
  if (platform === 'linux') return detectBubblewrap(env, timeoutMs);
  if (platform === 'darwin') return detectSeatbelt(timeoutMs);
  return {
    available: false,
    reason: `there is no sandbox for ${platform}`,
    fix: platform === 'win32' ? 'run ward inside WSL 2, where bubblewrap works' : 'run ward on Linux or macOS',
  };
}

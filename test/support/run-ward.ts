/**
 * Runs the real, built ward CLI (bin/ward.js -> dist/) as a child process, the way a user or
 * CI would, with a private WARD_HOME and an environment that holds only what the test says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WARD_BIN = join(REPO_ROOT, 'bin', 'ward.js');

export interface WardRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface WardOptions {
  readonly cwd: string;
  /** Added to a minimal base environment (PATH, HOME, WARD_HOME). */
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: string | Buffer;
  /** Called once the process is spawned, e.g. to signal it later. */
  readonly onSpawn?: (child: ChildProcess) => void;
}

export function startWard(args: readonly string[], options: WardOptions): { child: ChildProcess; done: Promise<WardRun> } {
  const child = spawn(process.execPath, [WARD_BIN, ...args], {
    cwd: options.cwd,
    // PWD as a shell would set it: ward must treat it as the path it is, never as a secret.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', PWD: options.cwd, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  else child.stdin?.end();
  options.onSpawn?.(child);
  const done = new Promise<WardRun>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runWard(args: readonly string[], options: WardOptions): Promise<WardRun> {
  return startWard(args, options).done;
}

/** A temp folder with a copy of a fixture project and a private ward home beside it. */
export interface Workspace {
  readonly root: string;
  readonly project: string;
  readonly home: string;
  cleanup(): void;
}

export function makeWorkspace(fixture: string | null = join(REPO_ROOT, 'demo', 'sample-project')): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'ward-e2e-'));
  const project = join(root, 'project');
  if (fixture !== null) cpSync(fixture, project, { recursive: true });
  else cpSync(join(REPO_ROOT, 'demo', 'sample-project', 'README.md'), join(project, 'README.md'));
  return { root, project, home: join(root, 'ward-home'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Parses stream-json output: every line must be a JSON object. */
export function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The path of the one transcript under a ward home; fails when there is not exactly one. */
export function onlyTranscript(home: string): string {
  const projects = readdirSync(join(home, 'projects'));
  if (projects.length !== 1) throw new Error(`expected one project folder under ${home}, found ${projects.length}`);
  const dir = join(home, 'projects', projects[0] ?? '');
  const files = readdirSync(dir).filter((name) => name.endsWith('.jsonl') && !name.endsWith('.audit.jsonl'));
  if (files.length !== 1) throw new Error(`expected one transcript in ${dir}, found ${files.join(', ')}`);
  return join(dir, files[0] ?? '');
}

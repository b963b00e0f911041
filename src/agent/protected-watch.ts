/**
 * The last line for protected paths the sandbox cannot hold, and for changes the policy could
 * not see being made (a program writing files the shell analyser cannot name):
 *   - a missing `.vscode/tasks.json`, `.envrc` or `.git/commondir` would need a placeholder in
 *     the user's tree to be held read-only. ward remembers which protected paths do not exist
 *     and, after every tool call and at the end of the session, moves aside whatever appeared
 *     there, before any later action (or the user's next `git commit`) can use it;
 *   - package.json cannot be held read-only (installing dependencies changes it), so ward
 *     compares its install scripts and puts the file back when they changed.
 * Changes the user approved, and everything in bypass mode, are accepted as the new baseline.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { INSTALL_SCRIPT_KEYS } from '../policy/builtin-paths.ts';

export interface WatchFinding {
  /** For the model and the user. */
  readonly message: string;
}

export class ProtectedWatch {
  readonly #paths: readonly string[];
  readonly #projectRoot: string;
  readonly #quarantineRoot: string;
  #missing: string[] = [];
  #packageJson: { raw: string; scripts: string } | null = null;

  constructor(options: { protectedPaths: readonly string[]; projectRoot: string; quarantineRoot: string }) {
    this.#paths = options.protectedPaths;
    this.#projectRoot = options.projectRoot;
    this.#quarantineRoot = options.quarantineRoot;
    this.baseline();
  }

  /** Accepts the current state (after an approved change). */
  baseline(): void {
    this.#missing = this.#paths.filter((path) => !exists(path));
    this.#packageJson = readPackageJson(join(this.#projectRoot, 'package.json'));
  }

  /** Undoes what appeared at protected paths since the baseline, and says what it did. */
  check(): WatchFinding[] {
    const findings: WatchFinding[] = [];
    const created = this.#missing.filter((path) => exists(path) && !isInert(path));
    if (created.length > 0) {
      const folder = join(this.#quarantineRoot, new Date().toISOString().replace(/[:.]/g, '-'));
      for (const path of created) {
        const movedTo = join(folder, relative(this.#projectRoot, path));
        moveAside(path, movedTo);
        findings.push({ message: `${relative(this.#projectRoot, path)} appeared at a protected path without approval; ward moved it to ${movedTo}` });
      }
    }
    const packagePath = join(this.#projectRoot, 'package.json');
    const now = readPackageJson(packagePath);
    if (this.#packageJson !== null && now !== null && now.scripts !== this.#packageJson.scripts) {
      writeFileSync(packagePath, this.#packageJson.raw);
      findings.push({ message: "package.json install scripts changed without approval; ward put the file back as it was (npm runs install scripts on every install)" });
    }
    this.baseline();
    return findings;
  }
}

function readPackageJson(path: string): { raw: string; scripts: string } | null {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  let scripts: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(raw) as { scripts?: Record<string, unknown> };
    scripts = parsed.scripts ?? {};
  } catch {
    // Not JSON (mid-edit, or broken): compare the raw text of any install key instead.
    return { raw, scripts: INSTALL_SCRIPT_KEYS.filter((key) => raw.includes(`"${key}"`)).join(',') };
  }
  return { raw, scripts: JSON.stringify(INSTALL_SCRIPT_KEYS.map((key) => scripts[key] ?? null)) };
}

function moveAside(path: string, movedTo: string): void {
  mkdirSync(dirname(movedTo), { recursive: true, mode: 0o700 });
  try {
    renameSync(path, movedTo);
  } catch {
    // Another file system: copy, then remove.
    cpSync(path, movedTo, { recursive: true, verbatimSymlinks: true });
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * What cannot make anything run: an empty folder (the sandbox itself creates an empty
 * .git/hooks in a repository without one), or git's own inert `*.sample` hooks (git init).
 */
function isInert(path: string): boolean {
  try {
    if (!lstatSync(path).isDirectory()) return false;
    return readdirSync(path, { recursive: true, withFileTypes: true }).every((entry) => entry.isDirectory() || (entry.isFile() && entry.name.endsWith('.sample')));
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return existsSync(path);
  }
}

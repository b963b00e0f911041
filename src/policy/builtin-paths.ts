/**
 * The built-in path lists: what is never read without an explicit allow rule (credentials and
 * ward's own state), and what is always asked before it is written, in every mode but bypass
 * (files that make other programs run code, and ward's own settings). Both apply whether the
 * path exists yet or not.
 */
import { basename, join, relative } from 'node:path';
import { isInside } from './path-containment.ts';

/** Credential stores under the home directory, relative to it. */
const HOME_DENY_READ = [
  '.ssh',
  '.aws',
  '.gnupg',
  '.config/gh',
  '.config/gcloud',
  '.azure',
  '.kube',
  // The whole folder: Docker Desktop keeps its socket here, and the socket is the machine.
  '.docker',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.config/git/credentials',
  '.terraform.d/credentials.tfrc.json',
];

/** `.env` files hold secrets; their templates do not. */
const ENV_TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template', '.env.dist']);

export function isEnvFile(path: string): boolean {
  const name = basename(path);
  return (name === '.env' || name.startsWith('.env.')) && !ENV_TEMPLATES.has(name);
}

export interface BuiltinPathContext {
  readonly home: string;
  readonly wardHome: string;
  readonly projectRoot: string;
}

/** Absolute folders and files whose contents are never read without an explicit allow rule. */
export function denyReadRoots(context: BuiltinPathContext): string[] {
  return [...HOME_DENY_READ.map((entry) => join(context.home, entry)), context.wardHome];
}

/** Why a path may not be read, or null. `path` must be resolved (real) already. */
export function denyReadReason(path: string, context: BuiltinPathContext): string | null {
  for (const root of denyReadRoots(context)) {
    if (isInside(root, path)) return root === context.wardHome ? `${path} is ward's own state` : `${path} holds credentials`;
  }
  if (isEnvFile(path)) return `${path} is a .env file, which usually holds secrets`;
  return null;
}

/** Inside a project: files whose change makes something run code, or changes ward itself. */
const PROJECT_PROTECTED = [
  '.ward/settings.json',
  '.ward/settings.local.json',
  '.git/hooks',
  '.git/config',
  // Where git finds its hooks and config: pointing these elsewhere plants both.
  '.git/commondir',
  '.git/config.worktree',
  '.git/worktrees',
  '.gitmodules',
  '.vscode/tasks.json',
  '.vscode/launch.json',
  '.vscode/settings.json',
  '.idea/workspace.xml',
  '.github/workflows',
  '.gitlab-ci.yml',
  '.circleci',
  '.husky',
  '.envrc',
  // Package manager configuration can load code into every install and script run.
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pnpmfile.cjs',
];

/** Under the home directory: shell start-up files and global tool configuration. */
const HOME_PROTECTED = ['.bashrc', '.bash_profile', '.bash_login', '.profile', '.zshrc', '.zprofile', '.zshenv', '.config/fish', '.gitconfig', '.config/git/config'];

export function protectedRoots(context: BuiltinPathContext): string[] {
  return [
    ...PROJECT_PROTECTED.map((entry) => join(context.projectRoot, entry)),
    ...HOME_PROTECTED.map((entry) => join(context.home, entry)),
    join(context.wardHome, 'settings.json'),
  ];
}

/** Keys of package.json `scripts` that npm runs on install. */
export const INSTALL_SCRIPT_KEYS = ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish', 'preprepare', 'postprepare'];

/**
 * Why writing `path` needs approval, or null. `content` is what the call would write, when
 * known: a package.json change is protected only when it touches an install script.
 */
export function protectedReason(path: string, context: BuiltinPathContext, content?: string): string | null {
  for (const root of protectedRoots(context)) {
    if (isInside(root, path)) return `${displayPath(path, context)} is protected (it can make other programs run code, or changes ward's settings)`;
  }
  if (basename(path) === 'package.json' && (content === undefined || INSTALL_SCRIPT_KEYS.some((key) => content.includes(`"${key}"`)))) {
    return `${displayPath(path, context)} install scripts are protected (npm runs them on install)`;
  }
  return null;
}

function displayPath(path: string, context: BuiltinPathContext): string {
  const rel = relative(context.projectRoot, path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}

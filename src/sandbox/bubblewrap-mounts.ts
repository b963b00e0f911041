/**
 * The file system a bubblewrap sandbox sees, as a list of mounts computed from the policy and
 * the current state of the disk (what exists decides how a path is protected, so the plan is
 * made again for every command).
 *
 * The whole system is bound read-only (`--ro-bind / /`) rather than a hand-picked list of
 * /usr, /bin, /lib, /etc: toolchains live in many places (~/.nvm, ~/.cargo, /opt, /nix,
 * /usr/local), projects read sibling checkouts and global config, and a missing folder fails
 * in confusing ways. What must not be read is masked on top instead: the policy's deny-read
 * paths, and /run, where the sockets of local daemons live (Docker, D-Bus, systemd): a
 * read-only mount does not stop connect() on a unix socket, hiding the socket does.
 *
 * Mounts are applied shallowest first, so a deeper rule always wins over the folder it is in:
 * the project stays visible inside a masked home, a `.env` inside the project is masked.
 */
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isWithin } from './policy.ts';
import type { SandboxPolicy } from './policy.ts';

export type Mount =
  /** A fresh tmpfs; read-only ones are remounted read-only after everything else is mounted. */
  | { readonly kind: 'tmpfs'; readonly path: string; readonly readOnly: boolean }
  | { readonly kind: 'bind'; readonly source: string; readonly path: string; readonly writable: boolean }
  /** A file replaced by /dev/null, read-only: reading it fails, nothing can be written. */
  | { readonly kind: 'mask-file'; readonly path: string };

export interface MountPlan {
  /** In the order bubblewrap must apply them. */
  readonly mounts: readonly Mount[];
  /** Read-only paths the sandbox cannot hold without leaving a file behind (see below). */
  readonly unenforced: readonly string[];
  /** Whether the given folder is hidden inside the sandbox (used for HOME). */
  isMasked(path: string): boolean;
}

/** Which of two mounts at the same depth goes last (and so wins). */
const PRIORITY = { system: 0, writable: 1, readOnly: 2, deny: 3, socket: 4 } as const;
type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

interface Ordered {
  readonly mount: Mount;
  readonly priority: Priority;
}

function depth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** `path` itself when it exists (symlinks resolved), else its nearest existing ancestor and the first missing component. */
function nearestExisting(path: string): { existing: string; firstMissing: string | null } {
  let current = path;
  let firstMissing: string | null = null;
  while (lstatOrNull(current) === null) {
    firstMissing = current;
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return { existing: current, firstMissing };
}

export interface PlanInput {
  readonly policy: SandboxPolicy;
  /** Host path of ward's proxy socket, bound into the sandbox at `socketTarget`. */
  readonly proxySocket?: { readonly source: string; readonly target: string };
}

/**
 * Plans the mounts. Side effect: for a missing protected path whose nearest existing folder is
 * a writable root itself (`.vscode/tasks.json` in a project without `.vscode`), the first
 * missing folder is created empty on the host and bound read-only, because bubblewrap can only
 * mount over something that exists. An empty folder is inert: git ignores it, an empty `.git`
 * is skipped by git's repository discovery, and `git init` or an editor fills it normally.
 */
export function planMounts(input: PlanInput): MountPlan {
  const { policy } = input;
  const ordered: Ordered[] = [];
  const unenforced: string[] = [];
  const masked: string[] = [];
  const add = (mount: Mount, priority: Priority): void => {
    ordered.push({ mount, priority });
  };

  const writable = policy.writableRoots.map((root) => realpathOrNull(root) ?? root);
  const insideWritable = (path: string): boolean => writable.some((root) => isWithin(root, path));
  const isWritableRoot = (path: string): boolean => writable.includes(path);

  // Local daemons' sockets. /var/run is a symlink to /run almost everywhere; mask it when not.
  for (const path of ['/run', '/var/run']) {
    const stat = lstatOrNull(path);
    if (stat?.isDirectory() === true) add({ kind: 'tmpfs', path, readOnly: true }, PRIORITY.system);
  }
  if (policy.tmpDir !== undefined) add({ kind: 'bind', source: policy.tmpDir, path: '/tmp', writable: true }, PRIORITY.system);
  else add({ kind: 'tmpfs', path: '/tmp', readOnly: false }, PRIORITY.system);

  for (const path of policy.visibleInTmp ?? []) {
    const real = realpathOrNull(path);
    if (real !== null && isWithin('/tmp', real)) add({ kind: 'bind', source: real, path: real, writable: false }, PRIORITY.readOnly);
  }
  for (const root of writable) add({ kind: 'bind', source: root, path: root, writable: true }, PRIORITY.writable);

  const denied: string[] = [];
  for (const path of policy.denyRead) {
    const real = realpathOrNull(path);
    if (real === null) continue; // nothing there to read
    const stat = lstatOrNull(real);
    if (stat === null) continue;
    denied.push(real);
    if (stat.isDirectory()) {
      add({ kind: 'tmpfs', path: real, readOnly: true }, PRIORITY.deny);
      masked.push(real);
    } else {
      add({ kind: 'mask-file', path: real }, PRIORITY.deny);
    }
  }

  const protectedPaths = new Set<string>();
  for (const path of policy.readOnly) {
    // Outside the writable roots everything is read-only already; inside a masked path, the mask wins.
    if (!insideWritable(path) || denied.some((deny) => isWithin(deny, path))) continue;
    const stat = lstatOrNull(path);
    if (stat !== null) {
      const real = realpathOrNull(path);
      // A symlink that leads out of the writable roots points at something read-only already.
      if (real !== null && insideWritable(real)) protectedPaths.add(real);
      continue;
    }
    const { existing } = nearestExisting(path);
    if (!insideWritable(existing)) continue;
    const gitFolder = basename(existing) === '.git' && lstatOrNull(existing)?.isDirectory() === true;
    if (gitFolder && dirname(path) === existing && basename(path) === 'hooks') {
      // A repository without hooks/ (git init --template=): create the empty folder git itself
      // would, and hold just that. Making all of .git read-only would break every git write.
      mkdirSync(path, { recursive: true, mode: 0o755 });
      protectedPaths.add(path);
    } else if (gitFolder) {
      // Other missing names in .git (commondir, config.worktree): a folder in their place would
      // break git, and .git must stay writable. Moved aside after a command instead.
      unenforced.push(path);
    } else if (!isWritableRoot(existing)) {
      // Its nearest existing folder (or a file, such as a worktree's `.git`) becomes read-only:
      // nothing below it can be created.
      protectedPaths.add(existing);
    } else {
      // A missing name directly in the project (`.vscode`, `.envrc`): holding it would take a
      // folder or file of that name in the user's tree. The policy asks before any write it can
      // see, and ward moves aside whatever a command creates there (agent/protected-watch.ts).
      unenforced.push(path);
    }
  }
  for (const path of protectedPaths) add({ kind: 'bind', source: path, path, writable: false }, PRIORITY.readOnly);
  // A folder that merely contains mount points can still be renamed: `mv .git x && git init`
  // would leave the protected hooks behind under x and a fresh, writable .git in their place.
  // A mount point cannot be renamed or removed, so each folder between a writable root and a
  // protected path is bound onto itself (still writable).
  const pinned = new Set<string>();
  for (const path of protectedPaths) {
    const root = writable.filter((candidate) => isWithin(candidate, path)).sort((a, b) => b.length - a.length)[0];
    if (root === undefined) continue;
    for (let folder = dirname(path); folder !== root && isWithin(root, folder); folder = dirname(folder)) {
      if (!protectedPaths.has(folder)) pinned.add(folder);
    }
  }
  for (const path of pinned) add({ kind: 'bind', source: path, path, writable: true }, PRIORITY.writable);

  if (input.proxySocket !== undefined) {
    add({ kind: 'bind', source: input.proxySocket.source, path: input.proxySocket.target, writable: true }, PRIORITY.socket);
  }

  const mounts = ordered
    .map((entry, index) => ({ ...entry, index }))
    .sort((a, b) => depth(a.mount.path) - depth(b.mount.path) || a.priority - b.priority || a.index - b.index)
    .map((entry) => entry.mount);
  return {
    mounts,
    unenforced,
    isMasked: (path: string) => masked.some((mask) => isWithin(mask, path)) && !writable.some((root) => isWithin(root, path)),
  };
}

/** The bubblewrap arguments for a plan, read-only remounts last (mount points below them are made first). */
export function mountArgs(plan: MountPlan): string[] {
  const args: string[] = [];
  const remounts: string[] = [];
  for (const mount of plan.mounts) {
    if (mount.kind === 'tmpfs') {
      args.push('--tmpfs', mount.path);
      if (mount.readOnly) remounts.push('--remount-ro', mount.path);
    } else if (mount.kind === 'bind') {
      args.push(mount.writable ? '--bind' : '--ro-bind', mount.source, mount.path);
    } else {
      args.push('--ro-bind', '/dev/null', mount.path);
    }
  }
  return [...args, ...remounts];
}

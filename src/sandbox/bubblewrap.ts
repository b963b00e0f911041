/**
 * The Linux sandbox: every command runs inside bubblewrap (bwrap), called directly.
 *
 * What the sandbox gets: the system read-only, the writable roots (the project) writable,
 * protected paths in them read-only, deny-read paths and local daemons' sockets masked, a
 * private /tmp, its own /dev and /proc, new user, PID, network, IPC, UTS and cgroup namespaces
 * (so no network at all, not even DNS, unless the policy routes it through ward's proxy), no
 * capabilities, no nested user namespaces.
 *
 * How it ends: ward spawns bwrap detached, in a process group of its own, and ends a command
 * by killing that group and waiting until no member is left. Everything in the sandbox stays
 * in that group, so the wait covers it all. Anything that leaves the group (setsid) still
 * ends: killing bwrap kills the sandbox's PID 1 (--die-with-parent), and when a PID namespace's
 * first process dies the kernel kills every process in it. The same happens when the command
 * exits on its own, so nothing a command leaves in the background outlives it.
 *
 * --as-pid-1: the command itself is the namespace's PID 1, with no bwrap reaper above it.
 * With the reaper, bwrap reports the command's exit as soon as it happens, while the reaper and
 * whatever the command left behind are still being killed, and ward would find them alive in
 * the group and report leftovers that were never the command's. As PID 1, the command's own
 * end is the namespace's end: bwrap exits only after every process in it is gone. (A PID 1
 * ignores signals it has no handler for when they come from inside: `kill $$` in a command
 * does nothing. Signals from ward still end it, since bwrap's death SIGKILLs it.)
 *
 * No --new-session: it would move the command to a session and group of its own, and ward's
 * kill would then return while the sandbox's processes are still dying (the group would hold
 * only bwrap). What --new-session guards against, TIOCSTI keystrokes pushed into the terminal
 * ward runs in, is already impossible: the spawn is detached (setsid: no controlling
 * terminal), stdio are pipes, and --dev gives the sandbox its own /dev/pts. A caller that gave
 * a wrapped command a terminal would need to add it.
 *
 * The environment is passed to bwrap as its own environment, which it hands to the command
 * unchanged, rather than with --clearenv/--setenv: values on a command line are readable by
 * every local user in /proc/<pid>/cmdline; a process environment only by the same user.
 * `spec.env` is already exactly what commands may see (the allowlisted child environment).
 */
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { mountArgs, planMounts } from './bubblewrap-mounts.ts';
import type { MountPlan } from './bubblewrap-mounts.ts';
import { checkSandboxPolicy, isWithin } from './policy.ts';
import type { SandboxPolicy } from './policy.ts';
import { behindForwarder, SANDBOX_PROXY_SOCKET } from './proxy-forwarder.ts';
import type { Sandbox, SpawnSpec } from './types.ts';

export interface BubblewrapOptions {
  /** Absolute path of the bwrap binary. */
  readonly bwrapPath: string;
  /**
   * Pass --disable-userns (bubblewrap 0.8 or later; detectSandbox finds out): commands cannot
   * create user namespaces of their own, which closes a large kernel attack surface.
   */
  readonly disableNestedUserNamespaces?: boolean;
  /** Host path of ward's network proxy socket; required when the policy's network is `proxy`. */
  readonly proxySocketPath?: string;
  /** The Node binary that runs the proxy forwarder inside the sandbox (default: ward's own). */
  readonly nodePath?: string;
}

export interface BubblewrapSandbox extends Sandbox {
  /** The mounts the last wrapped command got (for `ward doctor` and tests). */
  lastPlan(): MountPlan | null;
}

/** Namespaces, privileges and lifetime: the same for every command (and for detect.ts's trial). */
export function isolationArgs(disableNestedUserNamespaces: boolean): string[] {
  return [
    '--unshare-all',
    '--unshare-user',
    ...(disableNestedUserNamespaces ? ['--disable-userns'] : []),
    '--die-with-parent',
    '--as-pid-1',
    '--cap-drop',
    'ALL',
  ];
}

/** HOME and the temp variables, pointed at the sandbox's own temp folder when they would not work inside. */
function sandboxEnv(env: Readonly<Record<string, string>>, plan: MountPlan, writableRoots: readonly string[]): Record<string, string> {
  const result: Record<string, string> = { ...env };
  const home = result.HOME;
  // A masked home is an empty read-only folder: a harmless place, but tools want to write there.
  if (home !== undefined && plan.isMasked(home)) result.HOME = '/tmp';
  for (const name of ['TMPDIR', 'TMP', 'TEMP']) {
    const value = result[name];
    if (value === undefined) continue;
    const usable = isWithin('/tmp', value) || writableRoots.some((root) => isWithin(root, value));
    if (!usable) result[name] = '/tmp';
  }
  return result;
}

/**
 * Where the command starts inside. A folder that exists on the host may be hidden inside (under
 * the private /tmp, /run, a masked folder); bwrap cannot start there, and since the directory a
 * command starts in is the one the last command ended in, every later command would fail too.
 * Such a folder is replaced by the first writable root (the bash tool reports where the command
 * ended, so the session's idea of the directory is corrected).
 */
function startFolder(cwd: string, plan: MountPlan, writableRoots: readonly string[]): string {
  if (writableRoots.some((root) => isWithin(root, cwd))) return cwd;
  // The folder of a tmpfs (or of the /tmp bind) exists inside; what is below it on the host does not.
  const hidden = plan.mounts.some((mount) => (mount.kind === 'tmpfs' || (mount.kind === 'bind' && mount.path === '/tmp')) && isWithin(mount.path, cwd) && cwd !== mount.path);
  return hidden ? (writableRoots[0] ?? '/') : cwd;
}

export function createBubblewrapSandbox(policy: SandboxPolicy, options: BubblewrapOptions): BubblewrapSandbox {
  const checked = checkSandboxPolicy(policy);
  const proxied = checked.network.kind === 'proxy';
  if (proxied && options.proxySocketPath === undefined) {
    throw new Error('createBubblewrapSandbox: the policy allows network domains but no proxy socket was given');
  }
  const nodePath = options.nodePath ?? process.execPath;
  const isolation = isolationArgs(options.disableNestedUserNamespaces ?? true);
  let last: MountPlan | null = null;

  return {
    name: 'bubblewrap',
    confining: true,
    lastPlan: () => last,
    wrap(spec: SpawnSpec): SpawnSpec {
      // Tools the command will look up on its PATH, and the Node binary of the proxy relay,
      // stay visible when they live under the host's /tmp, which the sandbox replaces.
      const visibleInTmp = [...(checked.visibleInTmp ?? []), ...toolFoldersInTmp([...(spec.env.PATH ?? '').split(':'), dirname(nodePath)])];
      const plan = planMounts({
        policy: { ...checked, visibleInTmp },
        ...(proxied && options.proxySocketPath !== undefined ? { proxySocket: { source: options.proxySocketPath, target: SANDBOX_PROXY_SOCKET } } : {}),
      });
      last = plan;
      const command = proxied ? behindForwarder(nodePath, spec.file, spec.args) : [spec.file, ...spec.args];
      const args = [
        ...isolation,
        '--ro-bind', '/', '/',
        '--dev', '/dev',
        '--proc', '/proc',
        ...mountArgs(plan),
        '--chdir', startFolder(spec.cwd, plan, checked.writableRoots),
        '--',
        ...command,
      ];
      return { file: options.bwrapPath, args, cwd: spec.cwd, env: sandboxEnv(spec.env, plan, checked.writableRoots) };
    },
  };
}

/**
 * The top folders under /tmp (real paths) that hold these folders: `/tmp/ci/node_modules/.bin`
 * keeps `/tmp/ci` visible, so symlinks between its parts (`.bin/node -> ../node/bin/node`)
 * still resolve inside the sandbox.
 */
export function toolFoldersInTmp(folders: readonly string[]): string[] {
  const found = new Set<string>();
  for (const folder of folders) {
    if (folder === '') continue;
    let real: string;
    try {
      real = realpathSync(folder);
    } catch {
      continue;
    }
    const top = real.split('/')[2];
    if (real.startsWith('/tmp/') && top !== undefined && top !== '') found.add(`/tmp/${top}`);
  }
  return [...found];
}

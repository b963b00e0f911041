/**
 * The macOS sandbox: every command runs under sandbox-exec with a Seatbelt (SBPL) profile
 * generated from the policy. Written and unit-tested on Linux, where it cannot run.
 *
 * The profile denies by default, then allows what ordinary programs need (exec, fork, signals
 * within the sandbox, a short list of system services and sysctls), reading everywhere but the
 * deny-read paths, writing only under the writable roots and the temp folders except the
 * read-only paths, and no network except ward's proxy port on localhost. Seatbelt applies the
 * last matching rule, so every deny comes after the allow it narrows.
 *
 * Seatbelt checks paths, not mounts, so a protected path that does not exist yet is covered
 * like one that does. Renaming is a write on the source: the folders that contain a protected
 * or deny-read path inside a writable root may not be renamed or removed (otherwise `mv .git x`,
 * edit `x/hooks`, `mv x .git` would walk around the rule).
 */
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { checkSandboxPolicy, isWithin } from './policy.ts';
import type { SandboxPolicy } from './policy.ts';
import type { Sandbox, SpawnSpec } from './types.ts';

export const SANDBOX_EXEC_PATH = '/usr/bin/sandbox-exec';

export interface SeatbeltOptions {
  /** ward's proxy port on 127.0.0.1; required when the policy's network is `proxy`. */
  readonly proxyPort?: number;
  /** Writable temp folders (real paths); default: policy.tmpDir or the user's temp folder, and /private/tmp. */
  readonly tempDirs?: readonly string[];
}

/** The system services a shell, git, compilers and Node need; everything else is refused. */
const MACH_SERVICES = [
  'com.apple.system.logger',
  'com.apple.system.notification_center',
  'com.apple.system.opendirectoryd.libinfo',
  'com.apple.system.opendirectoryd.membership',
  'com.apple.bsd.dirhelper',
  'com.apple.logd',
  'com.apple.lsd.mapdb',
  'com.apple.securityd.xpc',
  'com.apple.SecurityServer',
  'com.apple.coreservices.launchservicesd',
  'com.apple.FontObjectsServer',
  'com.apple.fonts',
  'com.apple.PowerManagement.control',
];

/**
 * sysctls that describe the machine. Not the process table: kern.procargs2 would hand out the
 * arguments and environment of the user's other processes, ward's own API keys among them.
 */
const SYSCTL_NAMES = [
  'hw.activecpu', 'hw.byteorder', 'hw.cachelinesize_compat', 'hw.cpufamily', 'hw.cpufrequency', 'hw.cputype',
  'hw.l1dcachesize_compat', 'hw.l1icachesize_compat', 'hw.l2cachesize_compat', 'hw.l3cachesize_compat',
  'hw.logicalcpu', 'hw.logicalcpu_max', 'hw.machine', 'hw.memsize', 'hw.ncpu', 'hw.nperflevels', 'hw.pagesize',
  'hw.pagesize_compat', 'hw.physicalcpu', 'hw.physicalcpu_max', 'hw.tbfrequency_compat', 'hw.vectorunit',
  'kern.argmax', 'kern.hostname', 'kern.maxfiles', 'kern.maxfilesperproc', 'kern.maxproc', 'kern.ngroups',
  'kern.osproductversion', 'kern.osrelease', 'kern.ostype', 'kern.osvariant_status', 'kern.osversion',
  'kern.secure_kernel', 'kern.usrstack64', 'kern.version', 'machdep.cpu.brand_string', 'machdep.ptrauth_enabled',
  'sysctl.proc_cputype', 'vm.loadavg',
];
const SYSCTL_PREFIXES = ['hw.optional.', 'hw.perflevel', 'machdep.cpu.'];

/** Devices every shell script writes to. */
const WRITABLE_DEVICES = ['/dev/null', '/dev/zero', '/dev/tty', '/dev/dtracehelper', '/dev/stdout', '/dev/stderr'];

/**
 * A path as an SBPL string literal. Backslashes and quotes are escaped; control characters
 * are refused (SBPL has no portable escape for them, and no legitimate path needs one).
 */
export function sbplString(path: string): string {
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new Error(`seatbelt: refusing a path with a control character: ${JSON.stringify(path)}`);
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function rule(action: 'allow' | 'deny', operations: string, filters: readonly string[]): string[] {
  if (filters.length === 0) return [];
  return [`(${action} ${operations}`, ...filters.map((filter) => `  ${filter}`), ')'];
}

/** Every folder from `path`'s parent up to, but not including, the writable root holding it. */
function foldersUpToRoot(path: string, roots: readonly string[]): string[] {
  const root = roots.filter((candidate) => isWithin(candidate, path)).sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return [];
  const folders: string[] = [];
  for (let current = dirname(path); current !== root && isWithin(root, current); current = dirname(current)) folders.push(current);
  return folders;
}

function defaultTempDirs(policy: SandboxPolicy): string[] {
  if (policy.tmpDir !== undefined) return [policy.tmpDir];
  let userTemp = tmpdir();
  try {
    userTemp = realpathSync(userTemp);
  } catch {
    // keep it as it is
  }
  return [...new Set([userTemp, '/private/tmp'])];
}

/** The SBPL profile for `policy`. Throws when the network is `proxy` without a port. */
export function seatbeltProfile(policy: SandboxPolicy, options: SeatbeltOptions = {}): string {
  const checked = checkSandboxPolicy(policy);
  const tempDirs = options.tempDirs ?? defaultTempDirs(checked);
  const writable = [...checked.writableRoots, ...tempDirs];
  const network = checked.network;
  if (network.kind === 'proxy' && options.proxyPort === undefined) throw new Error('seatbeltProfile: the policy allows network domains but no proxy port was given');

  const subpaths = (paths: readonly string[]): string[] => paths.map((path) => `(subpath ${sbplString(path)})`);
  const protectedInside = [...checked.readOnly, ...checked.denyRead].filter((path) => writable.some((root) => isWithin(root, path)));
  const pinnedFolders = [...new Set(protectedInside.flatMap((path) => foldersUpToRoot(path, writable)))];

  const lines = [
    '(version 1)',
    '(deny default)',
    '',
    '; processes',
    '(allow process-exec)',
    '(allow process-fork)',
    '(allow process-info* (target same-sandbox))',
    '(allow signal (target same-sandbox))',
    '(allow mach-priv-task-port (target same-sandbox))',
    '',
    '; system services and facts',
    '(allow user-preference-read)',
    ...rule('allow', 'mach-lookup', MACH_SERVICES.map((name) => `(global-name ${sbplString(name)})`)),
    '(allow ipc-posix-shm)',
    '(allow ipc-posix-sem)',
    '(allow iokit-get-properties)',
    ...rule('allow', 'sysctl-read', [
      ...SYSCTL_NAMES.map((name) => `(sysctl-name ${sbplString(name)})`),
      ...SYSCTL_PREFIXES.map((prefix) => `(sysctl-name-prefix ${sbplString(prefix)})`),
    ]),
    ...rule('allow', 'file-ioctl', WRITABLE_DEVICES.map((device) => `(literal ${sbplString(device)})`)),
    '',
    '; network',
    ...(network.kind === 'proxy' && options.proxyPort !== undefined
      ? [`(allow network-outbound (remote ip ${sbplString(`localhost:${options.proxyPort}`)}))`]
      : ['; none: every socket operation falls to (deny default), DNS included']),
    '',
    '; reading: everywhere but the deny-read paths',
    '(allow file-read*)',
    ...rule('deny', 'file-read*', subpaths(checked.denyRead)),
    '',
    '; writing: the writable roots and the temp folders, except the protected paths',
    ...rule('allow', 'file-write*', [...subpaths(writable), ...WRITABLE_DEVICES.map((device) => `(literal ${sbplString(device)})`), '(regex #"^/dev/fd/[0-9]+$")']),
    ...rule('deny', 'file-write*', subpaths([...checked.readOnly, ...checked.denyRead])),
    ...rule('deny', 'file-write-unlink', pinnedFolders.map((folder) => `(literal ${sbplString(folder)})`)),
  ];
  return `${lines.join('\n')}\n`;
}

export interface SeatbeltSandboxOptions extends Omit<SeatbeltOptions, 'proxyPort'> {
  /** ward's proxy port, or a function giving it once the proxy listens (null before). */
  readonly proxyPort?: number | (() => number | null);
}

/**
 * Wraps commands as `/usr/bin/sandbox-exec -p PROFILE file args...`. With a proxy, its port is
 * read when a command is wrapped (the proxy may still be starting when the sandbox is made);
 * a command wrapped before the port is known fails to start rather than running unconfined.
 */
export function createSeatbeltSandbox(policy: SandboxPolicy, options: SeatbeltSandboxOptions = {}): Sandbox {
  const checked = checkSandboxPolicy(policy);
  const proxied = checked.network.kind === 'proxy';
  const portOf = (): number | null => (typeof options.proxyPort === 'function' ? options.proxyPort() : (options.proxyPort ?? null));
  if (proxied && options.proxyPort === undefined) throw new Error('createSeatbeltSandbox: the policy allows network domains but no proxy port was given');
  const profiles = new Map<number | null, string>();
  const profileFor = (port: number | null): string => {
    let profile = profiles.get(port);
    if (profile === undefined) {
      profile = seatbeltProfile(checked, { ...(options.tempDirs === undefined ? {} : { tempDirs: options.tempDirs }), ...(port === null ? {} : { proxyPort: port }) });
      profiles.set(port, profile);
    }
    return profile;
  };
  if (!proxied) profileFor(null);

  return {
    name: 'seatbelt',
    confining: true,
    wrap(spec: SpawnSpec): SpawnSpec {
      const env: Record<string, string> = { ...spec.env };
      const port = proxied ? portOf() : null;
      if (proxied && port === null) {
        // Not started: sandbox-exec refuses an empty profile path, and the command never runs.
        return { file: SANDBOX_EXEC_PATH, args: ['-f', '/nonexistent/ward-network-proxy-not-ready'], cwd: spec.cwd, env };
      }
      if (port !== null) {
        const proxy = `http://127.0.0.1:${port}`;
        for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']) env[name] = proxy;
        env.NO_PROXY = 'localhost,127.0.0.1,::1';
        env.no_proxy = 'localhost,127.0.0.1,::1';
      }
      return { file: SANDBOX_EXEC_PATH, args: ['-p', profileFor(port), spec.file, ...spec.args], cwd: spec.cwd, env };
    },
  };
}

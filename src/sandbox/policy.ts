/**
 * What an OS sandbox backend enforces, independent of the OS: where commands may write, what
 * they may not read, what must stay read-only inside the writable places, and the network.
 * The policy engine builds it from settings; the backends (bubblewrap, Seatbelt) turn it into
 * mounts or a profile. Paths are absolute and already resolved (real paths): a backend never
 * guesses what a relative or symlinked path was meant to be.
 */
import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';

export type SandboxNetwork =
  | { readonly kind: 'none' }
  /** Only through ward's filtering proxy, only to these domains (see domain-allowlist.ts). */
  | { readonly kind: 'proxy'; readonly allowedDomains: readonly string[] };

export interface SandboxPolicy {
  /** Folders commands may write to (the project). Real paths. */
  readonly writableRoots: readonly string[];
  /** Files and folders commands may not read (credentials, .env files). They may not exist. */
  readonly denyRead: readonly string[];
  /**
   * Paths inside writable roots that must stay read-only, existing or not: a missing
   * `.git/hooks/pre-commit` must not become creatable (e.g. .git/hooks, .git/config,
   * .ward/settings.json, .vscode/tasks.json, .github/workflows).
   */
  readonly readOnly: readonly string[];
  readonly network: SandboxNetwork;
  /**
   * A host folder to serve as the sandbox's temp folder, shared by the session's commands and
   * private from the host's /tmp. Without it each command gets a fresh, empty one (bubblewrap)
   * or the user's temp folder (Seatbelt, which cannot remap paths).
   */
  readonly tmpDir?: string;
  /**
   * Host folders under /tmp that commands still see, read-only, although the sandbox's /tmp
   * is private: the tools on PATH and the Node binary when they live there (a checkout in
   * /tmp, CI runners). Everything else in the host's /tmp, its sockets included, stays hidden.
   */
  readonly visibleInTmp?: readonly string[];
}

/** Strips a trailing slash so that paths compare by component. */
function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

const absolutePath = z
  .string()
  .min(1)
  // A NUL would end the path early in every syscall; a newline would break profile lines.
  .refine((path) => !/[\0\n\r]/.test(path), 'contains a NUL or line break')
  .refine((path) => isAbsolute(path), 'is not absolute')
  .refine((path) => normalize(withoutTrailingSlash(path)) === withoutTrailingSlash(path), 'is not normalized (contains . or .. or //)');

const sandboxPolicySchema = z.object({
  writableRoots: z.array(absolutePath).min(1),
  denyRead: z.array(absolutePath),
  readOnly: z.array(absolutePath),
  network: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('none') }),
    z.object({ kind: z.literal('proxy'), allowedDomains: z.array(z.string()) }),
  ]),
  tmpDir: absolutePath.optional(),
  visibleInTmp: z.array(absolutePath).optional(),
});

/**
 * Checks a policy before a backend trusts it: absolute, normalized paths without NUL or line
 * breaks, at least one writable root. Throws a ZodError naming the offending field.
 * An empty domain list is turned into `none`: it means no network, never "allow all".
 */
export function checkSandboxPolicy(policy: SandboxPolicy): SandboxPolicy {
  const parsed = sandboxPolicySchema.parse(policy);
  const network: SandboxNetwork =
    parsed.network.kind === 'proxy' && parsed.network.allowedDomains.length > 0
      ? { kind: 'proxy', allowedDomains: parsed.network.allowedDomains }
      : { kind: 'none' };
  return {
    writableRoots: parsed.writableRoots.map(withoutTrailingSlash),
    denyRead: parsed.denyRead.map(withoutTrailingSlash),
    readOnly: parsed.readOnly.map(withoutTrailingSlash),
    network,
    ...(parsed.tmpDir === undefined ? {} : { tmpDir: withoutTrailingSlash(parsed.tmpDir) }),
    ...(parsed.visibleInTmp === undefined ? {} : { visibleInTmp: parsed.visibleInTmp.map(withoutTrailingSlash) }),
  };
}

/** Whether `path` is `root` or inside it, compared by path component (never by string prefix). */
export function isWithin(root: string, path: string): boolean {
  if (root === '/') return path.startsWith('/');
  return path === root || path.startsWith(`${root}/`);
}

/**
 * Builds the sandbox a session runs its commands in, from the policy and what detectSandbox
 * found: bubblewrap on Linux, Seatbelt on macOS. When the policy lets commands reach some
 * domains, ward's filtering proxy is started here too (on a private unix socket for
 * bubblewrap, on a loopback port for Seatbelt) and lives as long as the sandbox.
 *
 * There is deliberately no fallback: without an available backend this throws, and the caller
 * decides what an unsandboxed session may do (ask for everything, or refuse).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBubblewrapSandbox } from './bubblewrap.ts';
import type { SandboxDetection } from './detect.ts';
import { createNetworkProxy } from './network-proxy.ts';
import type { NetworkDecision, NetworkProxy } from './network-proxy.ts';
import { checkSandboxPolicy } from './policy.ts';
import type { SandboxPolicy } from './policy.ts';
import { createSeatbeltSandbox } from './seatbelt.ts';
import type { Sandbox } from './types.ts';

export interface CreateSandboxOptions {
  /** Every network request a sandboxed command makes through the proxy, allowed or refused. */
  readonly onNetworkDecision?: (decision: NetworkDecision) => void;
}

export interface ManagedSandbox extends Sandbox {
  /** The network proxy, when the policy allows any domain. */
  readonly proxy: NetworkProxy | null;
  /** Stops the proxy and removes its socket; commands wrapped afterwards get no network. */
  close(): Promise<void>;
}

/** Proxy socket folders still on disk, removed at exit if nobody closed their sandbox. */
const socketFolders = new Set<string>();
let exitHookInstalled = false;

/** A private (0700) folder for the proxy socket. */
function privateSocketFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'ward-net-'));
  socketFolders.add(folder);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const leftover of socketFolders) rmSync(leftover, { recursive: true, force: true });
    });
  }
  return folder;
}

export function createSandbox(policy: SandboxPolicy, detection: SandboxDetection, options: CreateSandboxOptions = {}): ManagedSandbox {
  if (!detection.available) throw new Error(`createSandbox: no sandbox is available (${detection.reason})`);
  const checked = checkSandboxPolicy(policy);
  const allowedDomains = checked.network.kind === 'proxy' ? checked.network.allowedDomains : [];
  const onDecision = options.onNetworkDecision;

  if (detection.backend === 'bubblewrap') {
    let proxy: NetworkProxy | null = null;
    let folder: string | null = null;
    if (allowedDomains.length > 0) {
      folder = privateSocketFolder();
      proxy = createNetworkProxy({ allowedDomains, listen: { socketPath: join(folder, 'proxy.sock') }, ...(onDecision === undefined ? {} : { onDecision }) });
    }
    const sandbox = createBubblewrapSandbox(checked, {
      bwrapPath: detection.path,
      disableNestedUserNamespaces: detection.disableNestedUserNamespaces ?? false,
      ...(proxy?.socketPath == null ? {} : { proxySocketPath: proxy.socketPath }),
    });
    return {
      name: sandbox.name,
      confining: sandbox.confining,
      wrap: (spec) => sandbox.wrap(spec),
      proxy,
      async close() {
        await proxy?.close();
        if (folder !== null) {
          rmSync(folder, { recursive: true, force: true });
          socketFolders.delete(folder);
        }
      },
    };
  }

  const proxy = allowedDomains.length > 0 ? createNetworkProxy({ allowedDomains, listen: { port: 0 }, ...(onDecision === undefined ? {} : { onDecision }) }) : null;
  const sandbox = createSeatbeltSandbox(checked, proxy === null ? {} : { proxyPort: () => proxy.port });
  return {
    name: sandbox.name,
    confining: sandbox.confining,
    wrap: (spec) => sandbox.wrap(spec),
    proxy,
    async close() {
      await proxy?.close();
    },
  };
}

/**
 * Everything a session's permission policy is built from: the settings layers (with trust),
 * the OS sandbox (detected, then configured from the policy), the shell analyser, and the
 * environment commands get. Shared by `ward -p`, `ward permissions` and `ward doctor`, so
 * what they report is what a session does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PermissionMode } from '../events/schema.ts';
import { buildChildEnv } from '../policy/child-env.ts';
import { denyReadRoots, isEnvFile, protectedRoots } from '../policy/builtin-paths.ts';
import { PolicyConfigError, resolveEffectivePolicy, type EffectivePolicy } from '../policy/effective.ts';
import { Policy } from '../policy/engine.ts';
import { SettingsError } from '../policy/settings/load.ts';
import { analyzeShell, initShellParser, isReadOnlyCommand } from '../policy/shell/analyze.ts';
import { TrustStoreError } from '../policy/trust.ts';
import { hostRunner } from '../sandbox/host.ts';
import { detectSandbox } from '../sandbox/detect.ts';
import { createSandbox } from '../sandbox/create.ts';
import type { NetworkDecision } from '../sandbox/network-proxy.ts';
import type { SandboxPolicy } from '../sandbox/policy.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { BudgetValues } from '../session/budget-limits.ts';
import { BUILTIN_TOOL_NAMES } from '../tools/tool-names.ts';
import { findEnvFiles } from './env-files.ts';
import { UsageError } from './usage-error.ts';

export type SandboxStatus =
  | { readonly state: 'on'; readonly backend: string }
  | { readonly state: 'off'; readonly by: string }
  | { readonly state: 'unavailable'; readonly reason: string; readonly fix: string };

export interface PolicySetup {
  readonly effective: EffectivePolicy;
  readonly sandbox: Sandbox;
  readonly sandboxStatus: SandboxStatus;
  readonly policy: Promise<Policy>;
  readonly childEnv: Record<string, string>;
  /** Stops what the sandbox runs beside the session (the network proxy). */
  close(): Promise<void>;
}

export interface PolicySetupInput {
  readonly projectRoot: string;
  readonly wardHome: string;
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly permissionMode: PermissionMode | undefined;
  readonly allowedTools: readonly string[];
  readonly disallowedTools: readonly string[];
  readonly trustProject: boolean;
  /** Budget flags as given; a flag above a managed ceiling is a usage error. */
  readonly budgets?: BudgetValues;
  /** Where the sandbox's network proxy reports each request it allows or refuses. */
  readonly onNetworkDecision?: (decision: NetworkDecision) => void;
}

export async function setUpPolicy(input: PolicySetupInput): Promise<PolicySetup> {
  const effective = loadEffective(input);
  const parserReady = initShellParser();
  const childEnv = { ...buildChildEnv(input.env), ...effective.env };

  let sandbox: Sandbox = hostRunner;
  let close = (): Promise<void> => Promise.resolve();
  let sandboxStatus: SandboxStatus;
  if (!effective.sandbox.enabled) {
    sandboxStatus = { state: 'off', by: effective.sandbox.origin?.source ?? 'settings' };
  } else {
    const detection = await detectSandbox(process.platform, input.env);
    if (detection.available) {
      // One private /tmp for the session: a file one command makes there is there for the next.
      const tmpDir = mkdtempSync(join(tmpdir(), 'ward-tmp-'));
      const managed = createSandbox({ ...sandboxPolicyFor(input, effective), tmpDir }, detection, input.onNetworkDecision === undefined ? {} : { onNetworkDecision: input.onNetworkDecision });
      sandbox = managed;
      close = async () => {
        await managed.close();
        rmSync(tmpDir, { recursive: true, force: true });
      };
      sandboxStatus = { state: 'on', backend: detection.backend };
    } else {
      sandboxStatus = { state: 'unavailable', reason: detection.reason, fix: detection.fix };
    }
  }

  const sandboxNote =
    sandboxStatus.state === 'on' ? undefined : sandboxStatus.state === 'off' ? `the sandbox is turned off in ${sandboxStatus.by}` : `the sandbox cannot start (${sandboxStatus.reason})`;
  const policy = parserReady.then(
    () =>
      new Policy({
        mode: effective.mode,
        allow: effective.allow,
        ask: effective.ask,
        deny: effective.deny,
        projectRoot: input.projectRoot,
        home: input.home,
        wardHome: input.wardHome,
        // A user who turned the sandbox off chose to run commands on the host.
        sandboxed: sandboxStatus.state === 'on',
        sandboxOffByChoice: sandboxStatus.state === 'off',
        privateTmp: sandboxStatus.state === 'on' && sandboxStatus.backend === 'bubblewrap',
        ...(sandboxNote === undefined ? {} : { sandboxNote }),
        analyzeShell,
        isReadOnlyCommand,
      }),
  );
  return { effective, sandbox, sandboxStatus, policy, childEnv, close };
}

function loadEffective(input: PolicySetupInput): EffectivePolicy {
  try {
    return resolveEffectivePolicy({
      projectRoot: input.projectRoot,
      wardHome: input.wardHome,
      knownTools: new Set<string>(BUILTIN_TOOL_NAMES),
      cli: { mode: input.permissionMode, allowedTools: input.allowedTools, disallowedTools: input.disallowedTools, budgets: input.budgets ?? {} },
      trustProject: input.trustProject,
    });
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(`invalid settings: ${error.message}`, `fix the file, or move it aside; ward never skips a settings file it cannot read`);
    if (error instanceof PolicyConfigError || error instanceof TrustStoreError) throw new UsageError(error.message);
    throw error;
  }
}

function sandboxPolicyFor(input: PolicySetupInput, effective: EffectivePolicy): SandboxPolicy {
  const paths = { home: input.home, wardHome: input.wardHome, projectRoot: input.projectRoot };
  return {
    writableRoots: [input.projectRoot],
    denyRead: [...denyReadRoots(paths), ...findEnvFiles(input.projectRoot).filter(isEnvFile)],
    readOnly: protectedRoots(paths).filter((path) => path.startsWith(`${input.projectRoot}/`)),
    network: effective.sandbox.allowedDomains.length === 0 ? { kind: 'none' } : { kind: 'proxy', allowedDomains: [...effective.sandbox.allowedDomains] },
  };
}


/**
 * Test support for the sandbox: whether bubblewrap really works on this machine (detected
 * once, the way ward detects it), a bash tool running through a bubblewrap sandbox, and
 * processes found by a marker in their command line (to prove nothing outlives a command).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createBubblewrapSandbox } from '../../src/sandbox/bubblewrap.ts';
import type { BubblewrapOptions, BubblewrapSandbox } from '../../src/sandbox/bubblewrap.ts';
import { detectSandbox } from '../../src/sandbox/detect.ts';
import type { SandboxPolicy } from '../../src/sandbox/policy.ts';
import { createBashTool } from '../../src/tools/bash.ts';
import { createProcessTools } from '../../src/tools/process-tools.ts';
import { ShellSession } from '../../src/tools/shell-session.ts';
import type { AnyTool, ToolEnvironment, ToolResult } from '../../src/tools/types.ts';
import { createTestEnvironment, toolContext } from '../tools/env.ts';

const detection = await detectSandbox(process.platform, process.env);

/** The bwrap binary and its features, or null with the reason printed once per test file. */
export const bubblewrap =
  detection.available && detection.backend === 'bubblewrap'
    ? { bwrapPath: detection.path, disableNestedUserNamespaces: detection.disableNestedUserNamespaces ?? false }
    : null;

/** The `skip` option for node:test: a visible reason when bubblewrap cannot run here. */
export const skipWithoutBubblewrap: string | false =
  bubblewrap === null ? `bubblewrap is not available here (${detection.available ? detection.backend : `${detection.reason}; fix: ${detection.fix}`}); .ci/run installs it` : false;

if (skipWithoutBubblewrap !== false) process.stderr.write(`# SKIP sandbox tests: ${skipWithoutBubblewrap}\n`);

export function bubblewrapSandbox(policy: SandboxPolicy, extra: Partial<BubblewrapOptions> = {}): BubblewrapSandbox {
  if (bubblewrap === null) throw new Error('bubblewrap is not available');
  return createBubblewrapSandbox(policy, { ...bubblewrap, ...extra });
}

/** A minimal policy: the project writable, nothing else. */
export function projectPolicy(root: string, overrides: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return { writableRoots: [root], denyRead: [], readOnly: [], network: { kind: 'none' }, ...overrides };
}

export interface SandboxedShell {
  readonly env: ToolEnvironment;
  readonly shell: ShellSession;
  /** Runs one bash command through the sandbox, as the model would. */
  readonly run: (command: string, options?: { timeout_ms?: number; run_in_background?: boolean }) => Promise<ToolResult>;
  /** Calls any of the process tools (bash, bash_output, bash_kill) by name. */
  readonly call: (name: string, input: Record<string, unknown>) => Promise<ToolResult>;
}

export function sandboxedShell(root: string, sandbox: ToolEnvironment['sandbox'], childEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' }): SandboxedShell {
  const env = createTestEnvironment(root, { sandbox, childEnv });
  const { tools, shell } = createProcessTools(env);
  const byName = (name: string): AnyTool => {
    const tool = tools.find((candidate) => candidate.name === name);
    if (tool === undefined) throw new Error(`no tool ${name}`);
    return tool;
  };
  const call = (name: string, input: Record<string, unknown>): Promise<ToolResult> => {
    const tool = byName(name);
    return tool.execute(tool.inputSchema.parse(input), toolContext(root));
  };
  return { env, shell, call, run: (command, options = {}) => call('bash', { command, ...options }) };
}

/** A plain bash tool on the host (no sandbox), for comparing outputs. */
export function hostBash(root: string, childEnv: Record<string, string>): (command: string) => Promise<ToolResult> {
  const env = createTestEnvironment(root, { childEnv });
  const bash = createBashTool(env, new ShellSession(root));
  return (command) => bash.execute(bash.inputSchema.parse({ command }), toolContext(root));
}

/** Host pids of live (non-zombie) processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmdline.includes(marker) && state !== 'Z' && state !== 'X') found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * Test support for tools: a real ToolEnvironment (host sandbox, PATH-only child environment,
 * ripgrep when the machine has it), temp project folders, and a way to call a tool as the
 * runner does (input validated by the tool's own schema first).
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { hostRunner } from '../../src/sandbox/host.ts';
import type { ToolContext, ToolDefinition, ToolEnvironment, ToolResult } from '../../src/tools/types.ts';
import { createReadLedger } from '../../src/tools/read-ledger.ts';

/** The absolute path of an executable on PATH, or null. */
export function findExecutable(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

export const ripgrepPath = findExecutable('rg');

export function createTestEnvironment(projectRoot: string, overrides: Partial<ToolEnvironment> = {}): ToolEnvironment {
  return {
    projectRoot,
    sandbox: hostRunner,
    childEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    commandTimeoutMs: 120_000,
    maxCommandTimeoutMs: 600_000,
    outputCapChars: 30_000,
    ripgrepPath,
    fetch: globalThis.fetch,
    readLedger: createReadLedger(),
    ...overrides,
  };
}

/** A fresh folder under the OS temp dir (real path, so symlinked /tmp does not confuse
 *  path comparisons) and its removal. */
export async function makeTempProject(prefix = 'ward-tools-'): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = realpathSync(await mkdtemp(join(tmpdir(), prefix)));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A context whose policy allows every mid-call target, unless a test passes its own. */
export function toolContext(
  projectRoot: string,
  signal: AbortSignal = new AbortController().signal,
  authorize: ToolContext['authorize'] = () => Promise.resolve({ allowed: true, reason: 'allowed by the test' }),
  readable: ToolContext['readable'] = () => true,
  judged: ToolContext['judged'] = () => undefined,
): ToolContext {
  return { projectRoot, signal, authorize, readable, judged };
}

/** Validates `input` with the tool's schema, as the runner does, then executes the tool. */
export async function runTool<Input>(tool: ToolDefinition<Input>, input: unknown, projectRoot: string, signal?: AbortSignal): Promise<ToolResult> {
  const parsed = tool.inputSchema.parse(input);
  return tool.execute(parsed, toolContext(projectRoot, signal));
}

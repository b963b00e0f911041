/**
 * Assembles one session from its parts (provider, tools, policy, sandbox, transcript) and runs
 * the loop. Front ends (headless now, the terminal UI later) build a SessionConfig, subscribe
 * their renderers to the bus, and call runAgentSession; none of them re-implements the loop.
 */
import type { EventBus } from '../events/bus.ts';
import type { PermissionMode } from '../events/schema.ts';
import { buildSystemPrompt } from '../context/system-prompt.ts';
import { formatMemorySection, loadMemoryFiles } from '../context/memory-files.ts';
import { autoCompactor, DEFAULT_TRIM_BATCH_TOKENS } from '../context/auto-compact.ts';
import { DEFAULT_COMPACT_THRESHOLD } from '../context/compaction.ts';
import { contextWindowOf, costOf, priceOf } from '../model/pricing.ts';
import type { ModelProvider, UserBlock } from '../model/types.ts';
import type { Policy } from '../policy/engine.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { RebuiltSession } from '../session/conversation.ts';
import { SessionBudget } from '../session/budget.ts';
import type { BudgetLimits } from '../session/budget-limits.ts';
import { createFileTools } from '../tools/file-tools.ts';
import { createProcessTools } from '../tools/process-tools.ts';
import { ToolRegistry } from '../tools/registry.ts';
import type { AnyTool, ToolEnvironment } from '../tools/types.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { runLoop, type EndReason, type LoopState } from './loop.ts';
import { runToolCall, type Approver } from './tool-runner.ts';
import { ProtectedWatch } from './protected-watch.ts';
import { createTurnRequester } from './turn-requester.ts';
import { createReadLedger } from '../tools/read-ledger.ts';

export interface SessionConfig {
  readonly sessionId: string;
  readonly projectRoot: string;
  readonly provider: ModelProvider;
  readonly bus: EventBus;
  readonly permissionMode: PermissionMode;
  /** The permission policy; a promise because the shell parser loads while the model thinks. */
  readonly policy: Promise<Policy>;
  /** Tools removed from what the model is offered (bare tool names in deny rules). */
  readonly hiddenTools: ReadonlySet<string>;
  /** Budget limits (session/budget-limits.ts), turns included; checked between actions. */
  readonly budgets: BudgetLimits;
  readonly headless: boolean;
  readonly approve: Approver;
  readonly sandbox: Sandbox;
  /** The environment of every command ward runs: allowlisted, secrets removed. */
  readonly childEnv: Readonly<Record<string, string>>;
  /** Masks secrets; the same function the bus applies to every event. */
  readonly redact: (text: string) => string;
  readonly ripgrepPath: string | null;
  readonly wardVersion: string;
  /** Aborted with reason 'SIGINT' or 'SIGTERM' to cancel. */
  readonly signal: AbortSignal;
  /** The earlier conversation when resuming, or null for a new session. */
  readonly resumed: RebuiltSession | null;
  /** Said once, right after session_started (untrusted settings, no sandbox, a torn transcript line). */
  readonly startupWarnings?: readonly string[];
  readonly limits?: Partial<SessionLimits>;
  /** The folder of the user-level AGENTS.md (ward's home), or null to read none. */
  readonly memoryHome: string | null;
  /** The project is trusted: its AGENTS.md files may import files from outside it. */
  readonly importsOutsideProjectAllowed: boolean;
  /** Share of the context window past which the conversation is compacted (default 0.8). */
  readonly compactThreshold?: number;
  /** Old large outputs are trimmed once they add up to this many tokens (default 16,000; 0: only when compacting). */
  readonly trimBatchTokens?: number | undefined;
  /** Mark prompt-cache breakpoints (default true). */
  readonly promptCache?: boolean | undefined;
  /** Injected by tests so retries do not wait. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface SessionLimits {
  readonly maxOutputTokens: number;
  readonly commandTimeoutMs: number;
  readonly maxCommandTimeoutMs: number;
  readonly outputCapChars: number;
  readonly requestAttempts: number;
}

export const DEFAULT_LIMITS: SessionLimits = {
  maxOutputTokens: 16_000,
  commandTimeoutMs: 120_000,
  maxCommandTimeoutMs: 600_000,
  outputCapChars: 30_000,
  requestAttempts: 5,
};

export interface SessionOutcome {
  readonly reason: EndReason;
  readonly result: string;
  readonly exitCode: ExitCode;
}

/** Builds every tool for a session; the registry filters what the model is offered. */
export function createSessionTools(env: ToolEnvironment): { tools: AnyTool[]; shutdown: () => Promise<void> } {
  const processTools = createProcessTools(env);
  return { tools: [...createFileTools(env), ...processTools.tools], shutdown: () => processTools.shell.killAll() };
}

export async function runAgentSession(config: SessionConfig, prompt: string | null): Promise<SessionOutcome> {
  const limits = { ...DEFAULT_LIMITS, ...config.limits };
  const { bus, provider } = config;
  const startedAt = performance.now();
  const { redact } = config;

  const env: ToolEnvironment = {
    projectRoot: config.projectRoot,
    sandbox: config.sandbox,
    childEnv: config.childEnv,
    commandTimeoutMs: limits.commandTimeoutMs,
    maxCommandTimeoutMs: limits.maxCommandTimeoutMs,
    outputCapChars: limits.outputCapChars,
    ripgrepPath: config.ripgrepPath,
    fetch: globalThis.fetch,
    readLedger: createReadLedger(),
  };
  const { tools, shutdown } = createSessionTools(env);
  const registry = new ToolRegistry(tools.filter((tool) => !config.hiddenTools.has(tool.name)));
  const memory = loadMemoryFiles({ projectRoot: config.projectRoot, userDir: config.memoryHome, importsOutsideProjectAllowed: config.importsOutsideProjectAllowed });
  const system = buildSystemPrompt({
    memory: formatMemorySection(memory),
    projectRoot: config.projectRoot,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString().slice(0, 10),
    permissionMode: config.permissionMode,
    headless: config.headless,
  });

  bus.emit({
    type: 'session_started',
    sessionId: config.sessionId,
    cwd: config.projectRoot,
    provider: provider.name,
    model: provider.model,
    baseUrl: provider.baseUrl,
    permissionMode: config.permissionMode,
    wardVersion: config.wardVersion,
    resumed: config.resumed !== null,
  });
  for (const message of config.startupWarnings ?? []) bus.emit({ type: 'warning', message });
  if (memory.files.length > 0) bus.emit({ type: 'memory_loaded', files: memory.files.map((file) => ({ ...file })), totalBytes: memory.totalBytes });
  for (const message of memory.warnings) bus.emit({ type: 'warning', message });

  const firstUser: UserBlock[] = [...(config.resumed?.pendingUser ?? [])];
  if (prompt !== null) {
    bus.emit({ type: 'user_message', text: prompt });
    firstUser.push({ type: 'text', text: prompt });
  }
  const state: LoopState = {
    messages: [...(config.resumed?.messages ?? [])],
    turns: config.resumed?.turns ?? 0,
    usage: config.resumed?.usage ?? { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 },
    costUsd: config.resumed?.costUsd ?? 0,
    lastContextTokens: config.resumed?.lastContextTokens ?? null,
    cacheAnchors: [],
  };

  const budget = new SessionBudget({
    limits: config.budgets,
    emit: (event) => bus.emit(event),
    spent: { usage: state.usage, costUsd: state.costUsd },
    modelPriced: priceOf(provider.model) !== null,
  });
  budget.announce();

  const contextWindow = contextWindowOf(provider.model);
  const modelPrice = (usage: Parameters<typeof costOf>[1]): number | null => costOf(provider.model, usage);
  const requestTurn = createTurnRequester({
    provider,
    bus,
    system,
    tools: registry.specs(),
    maxOutputTokens: limits.maxOutputTokens,
    maxAttempts: limits.requestAttempts,
    signal: config.signal,
    redact,
    sleep: config.sleep,
    promptCache: config.promptCache ?? true,
  });

  let watch: ProtectedWatch | undefined;
  let outcome;
  try {
    outcome = await runLoop(
      {
        registry,
        bus,
        budget,
        signal: config.signal,
        priceOf: modelPrice,
        contextWindow,
        requestTurn,
        beforeRequest: autoCompactor({
          bus,
          requestTurn,
          contextWindow,
          threshold: config.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD,
          trimBatchTokens: config.trimBatchTokens ?? DEFAULT_TRIM_BATCH_TOKENS,
          priceOf: modelPrice,
          recordSpend: (usage, costUsd) => budget.recordSpend(usage, costUsd),
          onCompacted: () => env.readLedger.forgetAll(),
        }),
        runTool: async (call) => {
          // Taken before the first tool runs: what protected paths look like at the start.
          const policy = await config.policy;
          watch ??= new ProtectedWatch({ protectedPaths: policy.protectedInProject(), projectRoot: config.projectRoot, quarantineRoot: policy.quarantineFolder });
          return runToolCall(call, {
            registry,
            policy: config.policy,
            approve: config.approve,
            bus,
            redact,
            projectRoot: config.projectRoot,
            outputCapChars: limits.outputCapChars,
            callTimeoutMs: limits.maxCommandTimeoutMs + 30_000,
            signal: config.signal,
            sandboxName: config.sandbox.name,
            watch,
          });
        },
      },
      state,
      firstUser,
    );
  } finally {
    await shutdown();
    // Background jobs are stopped now: a last look at what they may have left behind.
    for (const finding of watch?.check() ?? []) bus.emit({ type: 'warning', message: finding.message });
  }

  const exitCode = exitCodeFor(outcome.reason, config.signal);
  if (outcome.reason === 'error') {
    bus.emit({ type: 'error', message: outcome.result, hint: 'the session is saved; fix the cause and run again with --continue', fatal: true });
  }
  bus.emit({
    type: 'session_ended',
    reason: outcome.reason,
    result: outcome.result,
    turns: state.turns,
    totalUsage: state.usage,
    totalCostUsd: state.costUsd,
    durationMs: Math.round(performance.now() - startedAt),
    exitCode,
  });
  return { reason: outcome.reason, result: outcome.result, exitCode };
}

function exitCodeFor(reason: EndReason, signal: AbortSignal): ExitCode {
  switch (reason) {
    case 'completed':
      return EXIT.success;
    case 'max_turns':
      return EXIT.maxTurns;
    case 'budget':
      return EXIT.budget;
    case 'cancelled':
      if (signal.reason === 'SIGTERM') return EXIT.terminated;
      if (signal.reason === 'SIGHUP') return EXIT.hangup;
      if (signal.reason === 'EPIPE') return EXIT.brokenPipe;
      return EXIT.interrupted;
    case 'error':
      return EXIT.failure;
  }
}

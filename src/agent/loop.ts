/**
 * The agent loop, once: send the conversation, stream the model's turn, run its tool calls
 * through the tool runner, send the results, repeat until the model ends its turn, a budget
 * limit is reached, or the run is cancelled. It talks to the world only through injected
 * parts and the event bus; it does no I/O of its own.
 *
 * Budgets are checked only between actions: before each model request and before each tool
 * call. A model request or a tool call that started always finishes and is recorded, so a
 * stop never leaves a half-done write, and the session resumes from a clean boundary.
 */
import type { EventBus } from '../events/bus.ts';
import { addUsage, ModelError, type AssistantBlock, type Message, type ModelTurn, type ToolResultBlock, type ToolUseBlock, type Usage, type UserBlock } from '../model/types.ts';
import type { BudgetStop, SessionBudget } from '../session/budget.ts';
import type { ToolRegistry } from '../tools/registry.ts';

export type EndReason = 'completed' | 'max_turns' | 'cancelled' | 'error' | 'budget';

export interface LoopDeps {
  readonly registry: ToolRegistry;
  readonly bus: EventBus;
  /** Counts spending and progress; asked before each model request and each tool call. */
  readonly budget: SessionBudget;
  readonly signal: AbortSignal;
  /** One model turn, with retries (see model/retry.ts). */
  readonly requestTurn: (messages: readonly Message[], turn: number, options: { readonly cacheAnchors: readonly number[] }) => Promise<ModelTurn>;
  readonly runTool: (call: ToolUseBlock) => Promise<ToolResultBlock>;
  readonly priceOf: (usage: Usage) => number | null;
  /** The model's context window in tokens, or null when unknown (then nothing compacts). */
  readonly contextWindow: number | null;
  /** Called before each model request; compacts the conversation when it grew past the threshold. */
  readonly beforeRequest?: (state: LoopState, turn: number) => Promise<void>;
}

export interface LoopState {
  readonly messages: Message[];
  /** Turns taken so far in the whole session (resume continues the count). */
  turns: number;
  usage: Usage;
  costUsd: number | null;
  /** Prompt tokens of the latest request (input + cache read + cache write), null before the first. */
  lastContextTokens: number | null;
  /** Messages whose end the next request marks as a cache breakpoint (set by compaction). */
  cacheAnchors: number[];
}

/** The prompt size of one request: everything the model read, cached or not. */
export function contextTokensOf(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

export interface LoopOutcome {
  readonly reason: EndReason;
  /** The model's final text, or what went wrong. */
  readonly result: string;
  readonly error?: ModelError;
}

export async function runLoop(deps: LoopDeps, state: LoopState, firstUser: readonly UserBlock[]): Promise<LoopOutcome> {
  const { bus } = deps;
  if (firstUser.length > 0) state.messages.push({ role: 'user', content: [...firstUser] });

  for (;;) {
    if (deps.signal.aborted) return { reason: 'cancelled', result: 'cancelled by the user' };
    const stop = deps.budget.beforeModelRequest();
    if (stop !== null) return { reason: stop.reason, result: stop.message };
    const turnNumber = state.turns + 1;

    let turn: ModelTurn;
    try {
      if (deps.beforeRequest !== undefined) {
        await deps.beforeRequest(state, turnNumber);
        // A compaction's summary request spends too; it may have used up what was left.
        const spent = deps.budget.beforeModelRequest();
        if (spent !== null) return { reason: spent.reason, result: spent.message };
      }
      turn = await deps.requestTurn(state.messages, turnNumber, { cacheAnchors: state.cacheAnchors });
    } catch (error) {
      if (deps.signal.aborted) return { reason: 'cancelled', result: 'cancelled by the user' };
      const modelError = error instanceof ModelError ? error : undefined;
      const message = error instanceof Error ? error.message : String(error);
      return { reason: 'error', result: message, ...(modelError ? { error: modelError } : {}) };
    }
    state.turns = turnNumber;

    let content = uniqueToolIds(turn.content.length > 0 ? turn.content : [{ type: 'text', text: '' } satisfies AssistantBlock]);
    if (turn.stopReason === 'max_tokens') content = explainCutOffCalls(content);
    state.messages.push({ role: 'assistant', content });
    bus.emit({ type: 'assistant_message', turn: turnNumber, content: content.map(toEventBlock), stopReason: turn.stopReason });
    const costUsd = deps.priceOf(turn.usage);
    state.usage = addUsage(state.usage, turn.usage);
    state.costUsd = state.costUsd === null || costUsd === null ? null : state.costUsd + costUsd;
    state.lastContextTokens = contextTokensOf(turn.usage);
    bus.emit({
      type: 'usage',
      turn: turnNumber,
      usage: turn.usage,
      costUsd,
      totalUsage: state.usage,
      totalCostUsd: state.costUsd,
      contextTokens: state.lastContextTokens,
      contextWindow: deps.contextWindow,
    });
    deps.budget.recordTurn(state.usage, state.costUsd);

    const text = content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    const calls = content.filter((block): block is ToolUseBlock => block.type === 'tool_use');
    if (calls.length === 0) {
      if (turn.stopReason === 'max_tokens') bus.emit({ type: 'warning', message: 'the answer was cut off: the model reached its output token limit' });
      if (turn.stopReason === 'refusal') bus.emit({ type: 'warning', message: 'the model declined to continue (stop reason: refusal)' });
      if (text.trim() === '') bus.emit({ type: 'warning', message: 'the model ended its turn without an answer' });
      return { reason: 'completed', result: text.trim() };
    }

    const { results, stop: stopped } = await runCalls(calls, deps);
    state.messages.push({ role: 'user', content: results });
    if (stopped !== null) return { reason: stopped.reason, result: stopped.message };
  }
}

/**
 * Consecutive read-only calls run in parallel; a call that writes or executes waits for
 * everything before it and runs alone. Results keep the order of the calls. The budget is
 * asked before each call starts; once it says stop, the remaining calls are not run (a
 * resume tells the model so, with the real results of the calls that did run).
 */
async function runCalls(calls: readonly ToolUseBlock[], deps: LoopDeps): Promise<{ results: ToolResultBlock[]; stop: BudgetStop | null }> {
  const results: ToolResultBlock[] = [];
  let batch: ToolUseBlock[] = [];
  let stop: BudgetStop | null = null;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    results.push(...(await Promise.all(batch.map((call) => deps.runTool(call)))));
    batch = [];
  };
  const notRun = async (call: ToolUseBlock, why: string): Promise<void> => {
    await flush();
    results.push({ type: 'tool_result', toolUseId: call.id, content: why, isError: true });
  };
  for (const call of calls) {
    const readOnly = deps.registry.get(call.name)?.readOnly === true;
    // A call that writes or executes waits for everything before it, and is judged after it.
    if (!readOnly) await flush();
    if (deps.signal.aborted) {
      await notRun(call, 'Not run: the user cancelled the session.');
      continue;
    }
    stop ??= deps.budget.beforeToolCall();
    if (stop !== null) {
      await notRun(call, stop.notRun);
      continue;
    }
    deps.budget.recordToolCall();
    if (readOnly) batch.push(call);
    else results.push(await deps.runTool(call));
  }
  await flush();
  return { results, stop };
}

function toEventBlock(block: AssistantBlock): { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown; inputError?: string } {
  if (block.type === 'text') return { type: 'text', text: block.text };
  return { type: 'tool_use', id: block.id, name: block.name, input: block.input, ...(block.inputError === undefined ? {} : { inputError: block.inputError }) };
}

/**
 * Gives every tool call of a turn its own id. Some servers repeat an id within a turn; each
 * result must answer exactly one call, and the API rejects a history where it does not.
 */
function uniqueToolIds(content: readonly AssistantBlock[]): AssistantBlock[] {
  const seen = new Set<string>();
  return content.map((block) => {
    if (block.type !== 'tool_use') return block;
    let id = block.id === '' ? 'call' : block.id;
    for (let n = 2; seen.has(id); n++) id = `${block.id}_${n}`;
    seen.add(id);
    return id === block.id ? block : { ...block, id };
  });
}

/**
 * A tool call cut off by the output limit arrives as unparseable JSON. Saying so spares the
 * model a retry of the same oversized call.
 */
function explainCutOffCalls(content: readonly AssistantBlock[]): AssistantBlock[] {
  return content.map((block) =>
    block.type === 'tool_use' && block.inputError !== undefined
      ? { ...block, inputError: `${block.inputError}; the response hit the output token limit while writing this call, so it was cut off: make it smaller (for example, write a large file in several parts)` }
      : block,
  );
}

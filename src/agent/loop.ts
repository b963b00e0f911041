/**
 * The agent loop, once: send the conversation, stream the model's turn, run its tool calls
 * through the tool runner, send the results, repeat until the model ends its turn, the turn
 * limit is reached, or the run is cancelled. It talks to the world only through injected
 * parts and the event bus; it does no I/O of its own.
 */
import type { EventBus } from '../events/bus.ts';
import { addUsage, ModelError, type AssistantBlock, type Message, type ModelTurn, type ToolResultBlock, type ToolUseBlock, type Usage, type UserBlock } from '../model/types.ts';
import type { ToolRegistry } from '../tools/registry.ts';

export type EndReason = 'completed' | 'max_turns' | 'cancelled' | 'error';

export interface LoopDeps {
  readonly registry: ToolRegistry;
  readonly bus: EventBus;
  /** Model turns this run may take; counted from the start of this run, not of the session. */
  readonly maxTurns: number;
  readonly signal: AbortSignal;
  /** One model turn, with retries (see model/retry.ts). */
  readonly requestTurn: (messages: readonly Message[], turn: number) => Promise<ModelTurn>;
  readonly runTool: (call: ToolUseBlock) => Promise<ToolResultBlock>;
  readonly priceOf: (usage: Usage) => number | null;
}

export interface LoopState {
  readonly messages: Message[];
  /** Turns taken so far in the whole session (resume continues the count). */
  turns: number;
  usage: Usage;
  costUsd: number | null;
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
  let turnsThisRun = 0;
  let lastText = '';

  for (;;) {
    if (deps.signal.aborted) return { reason: 'cancelled', result: 'cancelled by the user' };
    if (turnsThisRun >= deps.maxTurns) {
      return { reason: 'max_turns', result: `stopped after ${deps.maxTurns} turns (--max-turns); resume with --continue to go on` };
    }
    const turnNumber = state.turns + 1;

    let turn: ModelTurn;
    try {
      turn = await deps.requestTurn(state.messages, turnNumber);
    } catch (error) {
      if (deps.signal.aborted) return { reason: 'cancelled', result: 'cancelled by the user' };
      const modelError = error instanceof ModelError ? error : undefined;
      const message = error instanceof Error ? error.message : String(error);
      return { reason: 'error', result: message, ...(modelError ? { error: modelError } : {}) };
    }
    turnsThisRun++;
    state.turns = turnNumber;

    const content = turn.content.length > 0 ? turn.content : [{ type: 'text', text: '' } satisfies AssistantBlock];
    state.messages.push({ role: 'assistant', content });
    bus.emit({ type: 'assistant_message', turn: turnNumber, content: content.map(toEventBlock), stopReason: turn.stopReason });
    const costUsd = deps.priceOf(turn.usage);
    state.usage = addUsage(state.usage, turn.usage);
    state.costUsd = state.costUsd === null || costUsd === null ? null : state.costUsd + costUsd;
    bus.emit({ type: 'usage', turn: turnNumber, usage: turn.usage, costUsd, totalUsage: state.usage, totalCostUsd: state.costUsd });

    const text = content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    if (text.trim() !== '') lastText = text;
    const calls = content.filter((block): block is ToolUseBlock => block.type === 'tool_use');
    if (calls.length === 0) return { reason: 'completed', result: lastText };

    const results = await runCalls(calls, deps);
    state.messages.push({ role: 'user', content: results });
  }
}

/**
 * Consecutive read-only calls run in parallel; a call that writes or executes waits for
 * everything before it and runs alone. Results keep the order of the calls.
 */
async function runCalls(calls: readonly ToolUseBlock[], deps: LoopDeps): Promise<ToolResultBlock[]> {
  const results: ToolResultBlock[] = [];
  let batch: ToolUseBlock[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    results.push(...(await Promise.all(batch.map((call) => deps.runTool(call)))));
    batch = [];
  };
  for (const call of calls) {
    if (deps.signal.aborted) {
      await flush();
      results.push({ type: 'tool_result', toolUseId: call.id, content: 'Not run: the user cancelled the session.', isError: true });
      continue;
    }
    const tool = deps.registry.get(call.name);
    if (tool?.readOnly === true) {
      batch.push(call);
      continue;
    }
    await flush();
    results.push(await deps.runTool(call));
  }
  await flush();
  return results;
}

function toEventBlock(block: AssistantBlock): { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown; inputError?: string } {
  if (block.type === 'text') return { type: 'text', text: block.text };
  return { type: 'tool_use', id: block.id, name: block.name, input: block.input, ...(block.inputError === undefined ? {} : { inputError: block.inputError }) };
}

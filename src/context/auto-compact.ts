/**
 * Wires compaction (compaction.ts) into the loop: before a model request, if the previous
 * request's prompt passed the threshold, the conversation is compacted, the summary request's
 * usage is added to the session's totals (the budget sees it with the next turn), and the checkpoint is recorded as a `compaction` event.
 */
import type { EventBus } from '../events/bus.ts';
import type { LoopState } from '../agent/loop.ts';
import type { TurnRequester } from '../agent/turn-requester.ts';
import { addUsage, type Usage } from '../model/types.ts';
import { compact, passedThreshold } from './compaction.ts';

export interface AutoCompactOptions {
  readonly bus: EventBus;
  readonly requestTurn: TurnRequester;
  readonly contextWindow: number | null;
  /** Share of the window (0 < t <= 1) past which the conversation is compacted. */
  readonly threshold: number;
  readonly priceOf: (usage: Usage) => number | null;
}

export function autoCompactor(options: AutoCompactOptions): (state: LoopState, turn: number) => Promise<void> {
  const { bus, contextWindow } = options;
  return async (state, turn) => {
    if (contextWindow === null || !passedThreshold(state.lastContextTokens, contextWindow, options.threshold)) return;
    const result = await compact({
      messages: state.messages,
      contextTokens: state.lastContextTokens ?? 0,
      contextWindow,
      threshold: options.threshold,
      summarise: (messages, system, tools) => options.requestTurn(messages, turn, { system, tools }),
    });
    if (result === null) return;
    if (result.summaryTurn !== null) {
      const usage = result.summaryTurn.usage;
      const costUsd = options.priceOf(usage);
      state.usage = addUsage(state.usage, usage);
      state.costUsd = state.costUsd === null || costUsd === null ? null : state.costUsd + costUsd;
      bus.emit({ type: 'usage', turn, usage, costUsd, totalUsage: state.usage, totalCostUsd: state.costUsd, contextWindow });
    }
    state.messages.splice(0, state.messages.length, ...result.messages);
    // Until the next response says otherwise, the prompt is what compaction left.
    state.lastContextTokens = result.tokensAfter;
    bus.emit({
      type: 'compaction',
      summary: result.summary,
      replacedMessages: result.replacedMessages,
      keptMessages: result.keptMessages,
      trimmedOutputs: result.trimmedOutputs,
      tokensBefore: result.tokensBefore,
      tokensAfter: result.tokensAfter,
    });
  };
}

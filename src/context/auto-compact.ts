/**
 * Wires compaction (compaction.ts) into the loop. Before each model request:
 *
 *  - past the threshold, the conversation is compacted (old large outputs trimmed, or if that
 *    is not enough, a summary checkpoint);
 *  - otherwise, once the old large tool outputs add up to a batch (`trimBatchTokens`), they
 *    are trimmed in one go. Every token of a tool result is re-sent with every later request,
 *    so a file read thirty turns ago costs thirty times its size; trimming in batches rather
 *    than every turn rewrites the cached prefix once per batch, not on every request.
 *
 * After a trim, the next request marks as cache anchors the end of the part that did not
 * change (read from the cache) and the end of the part that did (written once, then read by
 * the following requests), so the real API's 20-block lookback never has to find them.
 *
 * The summary request's usage is added to the session's totals and to the budget at once; the
 * checkpoint is recorded as a `compaction` event, which resume replays.
 */
import type { EventBus } from '../events/bus.ts';
import type { LoopState } from '../agent/loop.ts';
import type { TurnRequester } from '../agent/turn-requester.ts';
import { addUsage, type Usage } from '../model/types.ts';
import { compact, KEEP_RECENT_MESSAGES, passedThreshold, recentStart, trimmableChars, trimmedResult, trimOldToolOutputs, type CompactionResult } from './compaction.ts';

/** Default batch: old large outputs are trimmed once they add up to about this many tokens. */
export const DEFAULT_TRIM_BATCH_TOKENS = 16_000;

export interface AutoCompactOptions {
  readonly bus: EventBus;
  readonly requestTurn: TurnRequester;
  readonly contextWindow: number | null;
  /** Share of the window (0 < t <= 1) past which the conversation is compacted. */
  readonly threshold: number;
  /** Trim old large outputs once they add up to this many tokens; 0 trims only at the threshold. */
  readonly trimBatchTokens: number;
  readonly priceOf: (usage: Usage) => number | null;
  /** Told of spending outside the turns (the summary request), so budgets see it at once. */
  readonly recordSpend?: (totalUsage: Usage, totalCostUsd: number | null) => void;
  /** Called whenever outputs left the conversation (the read tool's ledger forgets them). */
  readonly onCompacted?: () => void;
}

export function autoCompactor(options: AutoCompactOptions): (state: LoopState, turn: number) => Promise<void> {
  const { bus, contextWindow } = options;
  return async (state, turn) => {
    // The anchor written by the request after the last trim is what later requests read.
    state.cacheAnchors = state.cacheAnchors.slice(-1);
    const result = await compactIfDue(options, state, turn);
    if (result === null) return;
    if (result.summaryTurn !== null) {
      const usage = result.summaryTurn.usage;
      const costUsd = options.priceOf(usage);
      state.usage = addUsage(state.usage, usage);
      state.costUsd = state.costUsd === null || costUsd === null ? null : state.costUsd + costUsd;
      bus.emit({ type: 'usage', turn, usage, costUsd, totalUsage: state.usage, totalCostUsd: state.costUsd, contextWindow });
      options.recordSpend?.(state.usage, state.costUsd);
    }
    state.messages.splice(0, state.messages.length, ...result.messages);
    state.cacheAnchors = nextAnchors(state.cacheAnchors, result);
    // Until the next response says otherwise, the prompt is what compaction left.
    state.lastContextTokens = result.tokensAfter;
    options.onCompacted?.();
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

async function compactIfDue(options: AutoCompactOptions, state: LoopState, turn: number): Promise<CompactionResult | null> {
  const { contextWindow } = options;
  if (contextWindow !== null && passedThreshold(state.lastContextTokens, contextWindow, options.threshold)) {
    return compact({
      messages: state.messages,
      contextTokens: state.lastContextTokens ?? 0,
      contextWindow,
      threshold: options.threshold,
      summarise: (messages, system, tools) => options.requestTurn(messages, turn, { system, tools }),
    });
  }
  if (options.trimBatchTokens <= 0) return null;
  const start = recentStart(state.messages, KEEP_RECENT_MESSAGES);
  if (start <= 0 || trimmableChars(state.messages, start) / 4 < options.trimBatchTokens) return null;
  const trim = trimOldToolOutputs(state.messages, start);
  return trimmedResult(state.messages, start, trim, state.lastContextTokens ?? 0);
}

/**
 * Breakpoints for the request after a compaction: the end of the unchanged part (still in the
 * cache, if an earlier request anchored it) and the end of the trimmed part (new, written now).
 * A summary replaces everything, so nothing before it is cached.
 */
function nextAnchors(previous: readonly number[], result: CompactionResult): number[] {
  if (result.replacedMessages > 0 || result.firstChanged < 0) return [];
  const unchanged = previous.filter((anchor) => anchor < result.firstChanged);
  const trimmedEnd = result.messages.length - result.keptMessages - 1;
  return [...unchanged.slice(-1), trimmedEnd];
}

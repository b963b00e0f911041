/**
 * The final result object of a headless run: printed alone by `--output-format json` and as
 * the last line of `stream-json`. Field names follow the shape other headless coding agents
 * use, so existing scripts carry over.
 */
import type { EventOf } from '../../events/schema.ts';

export interface ResultSummary {
  readonly type: 'result';
  readonly subtype: 'success' | 'error_max_turns' | 'error_during_execution' | 'cancelled' | 'error_budget';
  readonly is_error: boolean;
  readonly result: string;
  readonly session_id: string;
  readonly num_turns: number;
  readonly duration_ms: number;
  readonly total_cost_usd: number | null;
  readonly usage: {
    readonly input_tokens: number;
    readonly output_tokens: number;
    readonly cache_creation_input_tokens: number;
    readonly cache_read_input_tokens: number;
  };
  readonly exit_code: number;
}

const SUBTYPE = {
  completed: 'success',
  max_turns: 'error_max_turns',
  error: 'error_during_execution',
  cancelled: 'cancelled',
  budget: 'error_budget',
} as const;

export function summarize(sessionId: string, ended: EventOf<'session_ended'>): ResultSummary {
  return {
    type: 'result',
    subtype: SUBTYPE[ended.reason],
    is_error: ended.reason !== 'completed',
    result: ended.result,
    session_id: sessionId,
    num_turns: ended.turns,
    duration_ms: ended.durationMs,
    total_cost_usd: ended.totalCostUsd,
    usage: {
      input_tokens: ended.totalUsage.inputTokens,
      output_tokens: ended.totalUsage.outputTokens,
      cache_creation_input_tokens: ended.totalUsage.cacheWriteTokens,
      cache_read_input_tokens: ended.totalUsage.cacheReadTokens,
    },
    exit_code: ended.exitCode,
  };
}

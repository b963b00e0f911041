/**
 * The script a scripted model server plays: one entry per model turn, in order. A turn may
 * carry faults, each consumed by one request before the turn itself is served, so
 * `faults: [{kind:'status', status: 529}]` makes the first attempt fail and the retry succeed.
 *
 * Scripts are data (JSON-compatible), so the demo and standalone runs can load them from a
 * file; they are validated with zod like anything else read from disk.
 */
import { z } from 'zod';

export const scriptedToolCallSchema = z.object({
  /** Defaults to a generated id in the provider's style (toolu_… / call_…). */
  id: z.string().optional(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()).default({}),
  /** Sent verbatim as the arguments instead of JSON.stringify(input): for malformed JSON. */
  rawArguments: z.string().optional(),
});

export const faultSchema = z.discriminatedUnion('kind', [
  /** Answer with this HTTP status and the provider's error body. */
  z.object({
    kind: z.literal('status'),
    status: z.number().int(),
    retryAfterSeconds: z.number().optional(),
    message: z.string().optional(),
  }),
  /** Start streaming the turn, then destroy the socket after this many SSE events. */
  z.object({ kind: z.literal('reset_mid_stream'), afterEvents: z.number().int().default(3) }),
  /** Stream the turn but end the response cleanly without the final event(s). */
  z.object({ kind: z.literal('truncated_stream') }),
  /** Anthropic only: send an `error` SSE event (overloaded_error) mid-stream. */
  z.object({ kind: z.literal('overloaded_event'), afterEvents: z.number().int().default(2) }),
  /** Wait this long before the first byte, then serve the turn normally. */
  z.object({ kind: z.literal('slow_first_byte'), delayMs: z.number().int() }),
]);

export const scriptedTurnSchema = z.object({
  text: z.string().optional(),
  toolCalls: z.array(scriptedToolCallSchema).default([]),
  /** Defaults to tool_use when there are tool calls, end_turn otherwise. */
  stopReason: z.enum(['end_turn', 'tool_use', 'max_tokens']).optional(),
  /** Override reported usage; otherwise it is estimated from the request (chars/4) with
   * Anthropic prompt caching simulated from the request's cache_control breakpoints. */
  usage: z
    .object({
      inputTokens: z.number().int().optional(),
      outputTokens: z.number().int().optional(),
      cacheReadTokens: z.number().int().optional(),
      cacheWriteTokens: z.number().int().optional(),
    })
    .optional(),
  faults: z.array(faultSchema).default([]),
});

export const scriptSchema = z.object({
  turns: z.array(scriptedTurnSchema),
  /** When set, requests naming any other model are rejected with the provider's 404. */
  models: z.array(z.string()).optional(),
});

export type ScriptedToolCall = z.input<typeof scriptedToolCallSchema>;
export type Fault = z.input<typeof faultSchema>;
export type ScriptedTurn = z.input<typeof scriptedTurnSchema>;
export type Script = z.input<typeof scriptSchema>;
export type ParsedScript = z.output<typeof scriptSchema>;

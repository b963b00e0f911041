/**
 * Small pieces both provider wire formats share: provider-style ids, splitting text into
 * stream pieces, the chars/4 token estimate, and the turn as it is about to be sent.
 */
import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 text, the alphabet both providers use in their ids. */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += BASE62[byte % BASE62.length] ?? '0';
  return out;
}

export const ids = {
  anthropicMessage: (): string => `msg_01${randomId(22)}`,
  anthropicToolUse: (): string => `toolu_01${randomId(22)}`,
  anthropicRequest: (): string => `req_011${randomId(21)}`,
  openaiCompletion: (): string => `chatcmpl-${randomId(29)}`,
  openaiToolCall: (): string => `call_${randomId(24)}`,
  openaiRequest: (): string => `req_${randomId(32)}`,
};

/**
 * Splits text into at least `minPieces` pieces (when it is long enough) of at most
 * `maxPieceChars` code points, never inside a surrogate pair, so clients must reassemble
 * deltas exactly as they would from a real stream.
 */
export function splitIntoPieces(text: string, minPieces = 3, maxPieceChars = 24): string[] {
  const codePoints = Array.from(text);
  if (codePoints.length === 0) return [];
  const size = Math.max(1, Math.min(maxPieceChars, Math.ceil(codePoints.length / minPieces)));
  const pieces: string[] = [];
  for (let i = 0; i < codePoints.length; i += size) pieces.push(codePoints.slice(i, i + size).join(''));
  return pieces;
}

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

export type ScriptedStopReason = 'end_turn' | 'tool_use' | 'max_tokens';

export interface PlannedToolCall {
  readonly id: string;
  readonly name: string;
  /** Exactly what goes on the wire as the call's arguments (may be malformed on purpose). */
  readonly argumentsJson: string;
}

export interface TurnUsage {
  /** Uncached input tokens (Anthropic's input_tokens; OpenAI prompt_tokens minus cached). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

/** One scripted turn resolved for one request: ids generated, usage computed. */
export interface PlannedTurn {
  readonly model: string;
  readonly text: string | undefined;
  readonly toolCalls: readonly PlannedToolCall[];
  readonly stopReason: ScriptedStopReason;
  readonly usage: TurnUsage;
}

/** A streamed response as separate wire events, so faults can cut it at any event. */
export interface StreamPlan {
  /** Each entry is one complete SSE event, including its trailing blank line. */
  readonly events: readonly string[];
  /** How many entries at the end make the stream "finished" (a truncated stream omits them). */
  readonly finalEventCount: number;
}

export function sseEvent(data: string, event?: string): string {
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${data}\n\n`;
}

export function outputChars(turn: { text?: string | undefined; toolCalls: readonly { name: string; argumentsJson: string }[] }): number {
  let chars = turn.text?.length ?? 0;
  for (const call of turn.toolCalls) chars += call.name.length + call.argumentsJson.length;
  return chars;
}

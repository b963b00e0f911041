/**
 * The Anthropic Messages API wire format as the real service speaks it: the request shape we
 * accept, the Message JSON, the server-sent event sequence, and error bodies.
 */
import { z } from 'zod';
import type { ConversationStep } from './conversation-check.ts';
import type { PromptSegment } from './prompt-cache.ts';
import { ids, splitIntoPieces, sseEvent, type PlannedTurn, type StreamPlan } from './wire-util.ts';

const cacheControlSchema = z.looseObject({ type: z.string() });
const contentBlockSchema = z.looseObject({
  type: z.string(),
  id: z.string().optional(),
  tool_use_id: z.string().optional(),
  cache_control: cacheControlSchema.nullish(),
});
const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

export const anthropicRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(messageSchema),
  system: z.union([z.string(), z.array(contentBlockSchema)]).optional(),
  tools: z.array(z.looseObject({ name: z.string(), cache_control: cacheControlSchema.nullish() })).optional(),
  stream: z.boolean().optional(),
});
export type AnthropicRequest = z.infer<typeof anthropicRequestSchema>;

function withoutCacheControl(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'cache_control')));
}

/** tools, then system, then messages: the order Anthropic builds (and caches) a prompt in. */
export function anthropicPromptSegments(request: AnthropicRequest): PromptSegment[] {
  const segments: PromptSegment[] = [];
  for (const tool of request.tools ?? []) {
    segments.push({ text: withoutCacheControl(tool), breakpoint: tool.cache_control != null });
  }
  if (typeof request.system === 'string') {
    segments.push({ text: JSON.stringify(request.system), breakpoint: false });
  } else {
    for (const block of request.system ?? []) {
      segments.push({ text: withoutCacheControl(block), breakpoint: block.cache_control != null });
    }
  }
  for (const message of request.messages) {
    if (typeof message.content === 'string') {
      segments.push({ text: `${message.role}:${JSON.stringify(message.content)}`, breakpoint: false });
      continue;
    }
    for (const block of message.content) {
      segments.push({ text: `${message.role}:${withoutCacheControl(block)}`, breakpoint: block.cache_control != null });
    }
  }
  return segments;
}

export function anthropicConversationSteps(request: AnthropicRequest): ConversationStep[] {
  return request.messages.map((message, at): ConversationStep => {
    const blocks = typeof message.content === 'string' ? [] : message.content;
    if (message.role === 'assistant') {
      return { kind: 'calls', at, ids: blocks.filter((b) => b.type === 'tool_use').map((b) => b.id ?? '(missing id)') };
    }
    const results = blocks.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id ?? '(missing tool_use_id)');
    return results.length > 0 ? { kind: 'results', at, ids: results } : { kind: 'other', at };
  });
}

function parsedInput(argumentsJson: string): unknown {
  try {
    return JSON.parse(argumentsJson) as unknown;
  } catch {
    // A non-streamed Message can only carry parsed input; malformed arguments show up
    // as an empty object, which is what a client would have to fall back to anyway.
    return {};
  }
}

function usageJson(turn: PlannedTurn, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: turn.usage.inputTokens,
    cache_creation_input_tokens: turn.usage.cacheWriteTokens,
    cache_read_input_tokens: turn.usage.cacheReadTokens,
    cache_creation: { ephemeral_5m_input_tokens: turn.usage.cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

export function anthropicMessage(turn: PlannedTurn): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (turn.text !== undefined) content.push({ type: 'text', text: turn.text });
  for (const call of turn.toolCalls) {
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: parsedInput(call.argumentsJson) });
  }
  return {
    id: ids.anthropicMessage(),
    type: 'message',
    role: 'assistant',
    model: turn.model,
    content,
    stop_reason: turn.stopReason,
    stop_sequence: null,
    stop_details: null,
    usage: usageJson(turn, turn.usage.outputTokens),
  };
}

function event(type: string, payload: Record<string, unknown>): string {
  return sseEvent(JSON.stringify({ type, ...payload }), type);
}

export function anthropicStream(turn: PlannedTurn): StreamPlan {
  const events: string[] = [];
  const message = { ...anthropicMessage(turn), content: [], stop_reason: null, usage: usageJson(turn, 1) };
  events.push(event('message_start', { message }));
  let index = 0;
  if (turn.text !== undefined) {
    events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    events.push(event('ping', {}));
    for (const piece of splitIntoPieces(turn.text)) {
      events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    }
    events.push(event('content_block_stop', { index }));
    index++;
  }
  for (const call of turn.toolCalls) {
    const block = { type: 'tool_use', id: call.id, name: call.name, input: {} };
    events.push(event('content_block_start', { index, content_block: block }));
    if (index === 0) events.push(event('ping', {}));
    // The real service opens every tool input with an empty fragment, then the JSON in pieces.
    for (const piece of ['', ...splitIntoPieces(call.argumentsJson, 3, 16)]) {
      events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }));
    }
    events.push(event('content_block_stop', { index }));
    index++;
  }
  if (index === 0) events.push(event('ping', {}));
  events.push(
    event('message_delta', {
      delta: { stop_reason: turn.stopReason, stop_sequence: null, stop_details: null },
      usage: { output_tokens: turn.usage.outputTokens },
    }),
  );
  events.push(event('message_stop', {}));
  return { events, finalEventCount: 2 };
}

/** The error type Anthropic reports with each status. */
function errorTypeFor(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 408:
    case 504:
      return 'timeout_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

const defaultMessages: Record<string, string> = {
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
};

export function anthropicErrorBody(status: number, requestId: string, message?: string): Record<string, unknown> {
  const type = errorTypeFor(status);
  return { type: 'error', error: { type, message: message ?? defaultMessages[type] ?? `HTTP ${status}` }, request_id: requestId };
}

export function anthropicModelNotFound(model: string, requestId: string): Record<string, unknown> {
  return anthropicErrorBody(404, requestId, `model: ${model}`);
}

/** The error event Anthropic sends in the middle of a stream when it runs out of capacity. */
export function anthropicOverloadedEvent(requestId: string): string {
  return sseEvent(JSON.stringify(anthropicErrorBody(529, requestId)), 'error');
}

export function anthropicModelList(models: readonly string[]): Record<string, unknown> {
  const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
  return { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null };
}

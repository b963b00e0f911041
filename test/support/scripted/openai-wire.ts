/**
 * The OpenAI Chat Completions wire format as the real service speaks it: the request shape we
 * accept, the chat.completion JSON, the chunk stream ending in [DONE], and error bodies.
 */
import { z } from 'zod';
import type { ConversationStep } from './conversation-check.ts';
import type { PromptSegment } from './prompt-cache.ts';
import { ids, randomId, splitIntoPieces, sseEvent, type PlannedTurn, type StreamPlan } from './wire-util.ts';

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }).optional(),
});
const messageSchema = z.looseObject({
  role: z.string(),
  content: z.unknown().optional(),
  tool_calls: z.array(toolCallSchema).nullish(),
  tool_call_id: z.string().optional(),
});

export const openaiRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  tools: z.array(z.record(z.string(), z.unknown())).optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});
export type OpenaiRequest = z.infer<typeof openaiRequestSchema>;

/** OpenAI caches automatically, so no segment is a breakpoint: every prefix counts. */
export function openaiPromptSegments(request: OpenaiRequest): PromptSegment[] {
  return [...(request.tools ?? []), ...request.messages].map((part) => ({ text: JSON.stringify(part), breakpoint: false }));
}

/** Consecutive tool messages together answer the assistant message before them. */
export function openaiConversationSteps(request: OpenaiRequest): ConversationStep[] {
  const steps: ConversationStep[] = [];
  request.messages.forEach((message, at) => {
    if (message.role === 'assistant') {
      steps.push({ kind: 'calls', at, ids: (message.tool_calls ?? []).map((call) => call.id) });
    } else if (message.role === 'tool') {
      const id = message.tool_call_id ?? '(missing tool_call_id)';
      const last = steps.at(-1);
      if (last?.kind === 'results') steps[steps.length - 1] = { ...last, ids: [...last.ids, id] };
      else steps.push({ kind: 'results', at, ids: [id] });
    } else {
      steps.push({ kind: 'other', at });
    }
  });
  return steps;
}

const finishReasons = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length' } as const;

function usageJson(turn: PlannedTurn): Record<string, unknown> {
  // prompt_tokens includes the cached part, unlike Anthropic's input_tokens.
  const promptTokens = turn.usage.inputTokens + turn.usage.cacheReadTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: turn.usage.outputTokens,
    total_tokens: promptTokens + turn.usage.outputTokens,
    prompt_tokens_details: { cached_tokens: turn.usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function envelope(turn: PlannedTurn, object: string): Record<string, unknown> {
  return {
    id: ids.openaiCompletion(),
    object,
    created: Math.floor(Date.now() / 1000),
    model: turn.model,
    service_tier: 'default',
    system_fingerprint: `fp_${randomId(10).toLowerCase()}`,
  };
}

export function openaiCompletion(turn: PlannedTurn): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: turn.text ?? null, refusal: null, annotations: [] };
  if (turn.toolCalls.length > 0) {
    message['tool_calls'] = turn.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.argumentsJson },
    }));
  }
  return {
    ...envelope(turn, 'chat.completion'),
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasons[turn.stopReason] }],
    usage: usageJson(turn),
  };
}

export function openaiStream(turn: PlannedTurn, includeUsage: boolean): StreamPlan {
  const base = envelope(turn, 'chat.completion.chunk');
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
    sseEvent(
      JSON.stringify({
        ...base,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(includeUsage ? { usage: null } : {}),
      }),
    );

  const events = [chunk({ role: 'assistant', content: turn.text === undefined ? null : '', refusal: null })];
  for (const piece of splitIntoPieces(turn.text ?? '')) events.push(chunk({ content: piece }));
  turn.toolCalls.forEach((call, index) => {
    const opening = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
    events.push(chunk({ tool_calls: [opening] }));
    for (const piece of splitIntoPieces(call.argumentsJson, 3, 16)) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  const finalEvents = [chunk({}, finishReasons[turn.stopReason])];
  if (includeUsage) finalEvents.push(sseEvent(JSON.stringify({ ...base, choices: [], usage: usageJson(turn) })));
  finalEvents.push(sseEvent('[DONE]'));
  return { events: [...events, ...finalEvents], finalEventCount: finalEvents.length };
}

function errorShapeFor(status: number): { type: string; code: string | null; message: string } {
  switch (status) {
    case 401:
      return { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' };
    case 404:
      return { type: 'invalid_request_error', code: 'not_found', message: 'Not found.' };
    case 429:
      return { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' };
    case 503:
    case 529:
      return { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' };
    default:
      return status >= 500
        ? { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' }
        : { type: 'invalid_request_error', code: null, message: `HTTP ${status}` };
  }
}

export function openaiErrorBody(status: number, message?: string): Record<string, unknown> {
  const shape = errorShapeFor(status);
  return { error: { message: message ?? shape.message, type: shape.type, param: null, code: shape.code } };
}

export function openaiModelNotFound(model: string): Record<string, unknown> {
  return {
    error: {
      message: `The model \`${model}\` does not exist or you do not have access to it.`,
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    },
  };
}

/** OpenAI has no error event; a failure mid-stream arrives as a data line carrying `error`. */
export function openaiMidStreamError(): string {
  return sseEvent(JSON.stringify(openaiErrorBody(503)));
}

export function openaiModelList(models: readonly string[]): Record<string, unknown> {
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1735689600, owned_by: 'scripted' })) };
}

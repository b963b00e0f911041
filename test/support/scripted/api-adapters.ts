/**
 * One adapter per provider API, so the server plays scripts and injects faults the same way
 * for both and only the wire details differ.
 */
import type { z } from 'zod';
import {
  anthropicConversationSteps,
  anthropicErrorBody,
  anthropicMessage,
  anthropicModelList,
  anthropicModelNotFound,
  anthropicOverloadedEvent,
  anthropicPromptSegments,
  anthropicRequestSchema,
  anthropicStream,
  type AnthropicRequest,
} from './anthropic-wire.ts';
import type { ConversationStep, PairingVocabulary } from './conversation-check.ts';
import {
  openaiCompletion,
  openaiConversationSteps,
  openaiErrorBody,
  openaiMidStreamError,
  openaiModelList,
  openaiModelNotFound,
  openaiPromptSegments,
  openaiRequestSchema,
  openaiStream,
  type OpenaiRequest,
} from './openai-wire.ts';
import type { PromptSegment } from './prompt-cache.ts';
import { ids, type PlannedTurn, type StreamPlan } from './wire-util.ts';

export type ApiName = 'anthropic' | 'openai';

export interface ApiAdapter<Request extends { model: string }> {
  readonly api: ApiName;
  readonly requestSchema: z.ZodType<Request>;
  readonly requestIdHeader: string;
  readonly cacheMode: 'breakpoints' | 'automatic';
  readonly vocabulary: PairingVocabulary;
  /** Status used when a stream-only fault hits a non-streaming request. */
  readonly overloadedStatus: number;
  newRequestId(): string;
  newToolCallId(): string;
  wantsStream(request: Request): boolean;
  promptSegments(request: Request): PromptSegment[];
  conversationSteps(request: Request): ConversationStep[];
  message(turn: PlannedTurn): unknown;
  stream(turn: PlannedTurn, request: Request): StreamPlan;
  errorBody(status: number, requestId: string, message?: string): unknown;
  modelNotFound(model: string, requestId: string): unknown;
  midStreamError(requestId: string): string;
  modelList(models: readonly string[]): unknown;
}

export const anthropicAdapter: ApiAdapter<AnthropicRequest> = {
  api: 'anthropic',
  requestSchema: anthropicRequestSchema,
  requestIdHeader: 'request-id',
  cacheMode: 'breakpoints',
  vocabulary: { call: 'tool_use', result: 'tool_result' },
  overloadedStatus: 529,
  newRequestId: ids.anthropicRequest,
  newToolCallId: ids.anthropicToolUse,
  wantsStream: (request) => request.stream === true,
  promptSegments: anthropicPromptSegments,
  conversationSteps: anthropicConversationSteps,
  message: anthropicMessage,
  stream: (turn) => anthropicStream(turn),
  errorBody: anthropicErrorBody,
  modelNotFound: anthropicModelNotFound,
  midStreamError: anthropicOverloadedEvent,
  modelList: anthropicModelList,
};

export const openaiAdapter: ApiAdapter<OpenaiRequest> = {
  api: 'openai',
  requestSchema: openaiRequestSchema,
  requestIdHeader: 'x-request-id',
  cacheMode: 'automatic',
  vocabulary: { call: 'tool_call', result: 'tool message' },
  overloadedStatus: 503,
  newRequestId: ids.openaiRequest,
  newToolCallId: ids.openaiToolCall,
  wantsStream: (request) => request.stream === true,
  promptSegments: openaiPromptSegments,
  conversationSteps: openaiConversationSteps,
  message: openaiCompletion,
  stream: (turn, request) => openaiStream(turn, request.stream_options?.include_usage === true),
  errorBody: (status, _requestId, message) => openaiErrorBody(status, message),
  modelNotFound: (model) => openaiModelNotFound(model),
  midStreamError: () => openaiMidStreamError(),
  modelList: openaiModelList,
};

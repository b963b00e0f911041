/**
 * Assembles streamed Chat Completions chunks into one ModelTurn.
 *
 * Chunks are network input from OpenAI or from whatever local server is on the other end,
 * so they are checked with zod and read leniently: tool calls are assembled by `index`
 * (a missing index means the call's position), a server that omits tool-call ids gets
 * generated ones, and a server that omits usage yields zeros instead of a failure. The turn
 * is complete once a choice carried a finish_reason; a stream that ends without one was cut.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MalformedEventError } from './provider-errors.ts';
import { parseToolInput } from './tool-input.ts';
import type { AssistantBlock, ModelTurn, StopReason, StreamDelta, Usage } from './types.ts';

const toolCallDeltaSchema = z.object({
  index: z.number().int().optional(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const chunkSchema = z.object({
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({ content: z.string().nullish(), tool_calls: z.array(toolCallDeltaSchema).nullish() })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z
    .object({
      prompt_tokens: z.number().nullish(),
      completion_tokens: z.number().nullish(),
      prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
    })
    .nullish(),
});

interface ToolCallState {
  id: string | undefined;
  name: string;
  args: string;
  announced: boolean;
}

export class OpenAITurnAssembler {
  readonly #onDelta: (delta: StreamDelta) => void;
  #text = '';
  readonly #calls: ToolCallState[] = [];
  /** Stream index → position in #calls; a reused index with a new id starts a new call. */
  readonly #slotByIndex = new Map<number, number>();
  #finishReason: string | undefined;
  #usage: Usage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
  #model: string | undefined;

  constructor(onDelta: (delta: StreamDelta) => void) {
    this.#onDelta = onDelta;
  }

  get complete(): boolean {
    return this.#finishReason !== undefined;
  }

  handle(raw: unknown): void {
    const parsed = chunkSchema.safeParse(raw);
    if (!parsed.success) throw new MalformedEventError(`malformed chunk: ${z.prettifyError(parsed.error)}`);
    const chunk = parsed.data;
    if (chunk.model != null && chunk.model.length > 0) this.#model = chunk.model;
    if (chunk.usage != null) this.#setUsage(chunk.usage);
    // We ask for one choice (n defaults to 1); extra choices would be other completions.
    const choice = chunk.choices?.[0];
    if (choice == null) return;
    const content = choice.delta?.content;
    if (content != null && content.length > 0) {
      this.#text += content;
      this.#onDelta({ kind: 'text', text: content });
    }
    choice.delta?.tool_calls?.forEach((call, position) => {
      this.#applyToolCall(call.index ?? position, call);
    });
    if (choice.finish_reason != null) this.#finishReason = choice.finish_reason;
  }

  turn(): ModelTurn {
    const content: AssistantBlock[] = [];
    if (this.#text.length > 0) content.push({ type: 'text', text: this.#text });
    for (const call of this.#calls) {
      content.push({ type: 'tool_use', id: this.#idOf(call), name: call.name, ...parseToolInput(call.args) });
    }
    return {
      content,
      stopReason: mapFinishReason(this.#finishReason, this.#calls.length > 0),
      usage: this.#usage,
      ...(this.#model !== undefined ? { model: this.#model } : {}),
    };
  }

  #applyToolCall(index: number, call: z.infer<typeof toolCallDeltaSchema>): void {
    const slot = this.#slotByIndex.get(index);
    let state = slot !== undefined ? this.#calls[slot] : undefined;
    // Some servers (DashScope, DeepSeek) send `id: ""` on continuation chunks: an empty id is
    // no id, never the start of a new call.
    const id = call.id != null && call.id.length > 0 ? call.id : undefined;
    if (state === undefined || (id !== undefined && state.id !== undefined && id !== state.id)) {
      state = { id: undefined, name: '', args: '', announced: false };
      this.#slotByIndex.set(index, this.#calls.push(state) - 1);
    }
    if (id !== undefined && state.id === undefined) state.id = id;
    if (call.function?.name != null && call.function.name.length > 0 && state.name.length === 0) state.name = call.function.name;
    if (call.function?.arguments != null) state.args += call.function.arguments;
    if (!state.announced && state.name.length > 0) {
      state.announced = true;
      this.#onDelta({ kind: 'tool_use_start', id: this.#idOf(state), name: state.name });
    }
  }

  /** Some local servers send no ids; results must still refer to something stable. */
  #idOf(state: ToolCallState): string {
    state.id ??= `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    return state.id;
  }

  #setUsage(usage: NonNullable<z.infer<typeof chunkSchema>['usage']>): void {
    const prompt = usage.prompt_tokens ?? 0;
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    this.#usage = {
      inputTokens: Math.max(0, prompt - cached),
      outputTokens: usage.completion_tokens ?? 0,
      cacheWriteTokens: 0,
      cacheReadTokens: cached,
    };
  }
}

function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): StopReason {
  // Some servers (older Ollama among them) finish a tool-calling turn with "stop".
  if (hasToolCalls && (reason === 'stop' || reason === 'tool_calls' || reason === 'function_call')) return 'tool_use';
  switch (reason) {
    case 'stop':
      return 'end_turn';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'content_filter':
      return 'refusal';
    default:
      return 'other';
  }
}

/**
 * Assembles Anthropic's streamed events into one ModelTurn.
 *
 * Events are network input, so each one is checked with zod before it is used. Event and
 * block types we do not use (ping, thinking, server tools, citations) are skipped, so a
 * newer API does not break an older ward. Tool input arrives as pieces of JSON text; it is
 * parsed once the stream is complete, and JSON that does not parse becomes `inputError`
 * rather than an exception, so the loop can tell the model its call was malformed.
 */
import { z } from 'zod';
import { MalformedEventError } from './provider-errors.ts';
import { parseToolInput } from './tool-input.ts';
import type { AssistantBlock, ModelTurn, StopReason, StreamDelta, Usage } from './types.ts';

const usageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

const knownEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message_start'),
    message: z.object({ model: z.string().optional(), usage: usageSchema.optional() }),
  }),
  z.object({
    type: z.literal('content_block_start'),
    index: z.number().int(),
    content_block: z.looseObject({ type: z.string() }),
  }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number().int(),
    delta: z.looseObject({ type: z.string() }),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number().int() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: usageSchema.nullish(),
  }),
  z.object({ type: z.literal('message_stop') }),
]);

const KNOWN_TYPES = new Set<string>(knownEventSchema.options.map((option) => option.shape.type.value));

const textStartSchema = z.object({ type: z.literal('text'), text: z.string().default('') });
const toolStartSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown().optional(),
});
const textDeltaSchema = z.object({ type: z.literal('text_delta'), text: z.string() });
const jsonDeltaSchema = z.object({ type: z.literal('input_json_delta'), partial_json: z.string() });

type BlockState =
  | { kind: 'text'; text: string }
  | { kind: 'tool_use'; id: string; name: string; json: string; startInput: unknown }
  | { kind: 'ignored' };

type UsageSchema = z.infer<typeof usageSchema>;

export class AnthropicTurnAssembler {
  readonly #onDelta: (delta: StreamDelta) => void;
  readonly #blocks = new Map<number, BlockState>();
  #usage: Usage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
  #stopReason: StopReason = 'other';
  #model: string | undefined;
  #complete = false;

  constructor(onDelta: (delta: StreamDelta) => void) {
    this.#onDelta = onDelta;
  }

  /** True once message_stop arrived: anything less is a cut stream. */
  get complete(): boolean {
    return this.#complete;
  }

  handle(raw: unknown): void {
    const typed = z.object({ type: z.string() }).safeParse(raw);
    if (!typed.success || !KNOWN_TYPES.has(typed.data.type)) return;
    const parsed = knownEventSchema.safeParse(raw);
    if (!parsed.success) {
      throw new MalformedEventError(`malformed ${typed.data.type} event: ${z.prettifyError(parsed.error)}`);
    }
    const event = parsed.data;
    switch (event.type) {
      case 'message_start':
        this.#model = event.message.model;
        this.#mergeUsage(event.message.usage);
        return;
      case 'content_block_start':
        this.#startBlock(event.index, event.content_block);
        return;
      case 'content_block_delta':
        this.#applyDelta(event.index, event.delta);
        return;
      case 'content_block_stop':
        return;
      case 'message_delta':
        if (event.delta.stop_reason != null) this.#stopReason = mapStopReason(event.delta.stop_reason);
        this.#mergeUsage(event.usage ?? undefined);
        return;
      case 'message_stop':
        this.#complete = true;
        return;
    }
  }

  turn(): ModelTurn {
    const content: AssistantBlock[] = [];
    for (const [, block] of [...this.#blocks.entries()].sort(([a], [b]) => a - b)) {
      if (block.kind === 'text') {
        if (block.text.length > 0) content.push({ type: 'text', text: block.text });
      } else if (block.kind === 'tool_use') {
        content.push({ type: 'tool_use', id: block.id, name: block.name, ...parseToolInput(block.json, block.startInput) });
      }
    }
    return {
      content,
      stopReason: this.#stopReason,
      usage: this.#usage,
      ...(this.#model !== undefined ? { model: this.#model } : {}),
    };
  }

  #startBlock(index: number, block: { type: string }): void {
    const text = textStartSchema.safeParse(block);
    if (text.success) {
      this.#blocks.set(index, { kind: 'text', text: text.data.text });
      if (text.data.text.length > 0) this.#onDelta({ kind: 'text', text: text.data.text });
      return;
    }
    const tool = toolStartSchema.safeParse(block);
    if (tool.success) {
      this.#blocks.set(index, { kind: 'tool_use', id: tool.data.id, name: tool.data.name, json: '', startInput: tool.data.input });
      this.#onDelta({ kind: 'tool_use_start', id: tool.data.id, name: tool.data.name });
      return;
    }
    this.#blocks.set(index, { kind: 'ignored' });
  }

  #applyDelta(index: number, delta: { type: string }): void {
    const block = this.#blocks.get(index);
    if (block?.kind === 'text') {
      const text = textDeltaSchema.safeParse(delta);
      if (text.success) {
        block.text += text.data.text;
        this.#onDelta({ kind: 'text', text: text.data.text });
      }
    } else if (block?.kind === 'tool_use') {
      const json = jsonDeltaSchema.safeParse(delta);
      if (json.success) block.json += json.data.partial_json;
    }
  }

  /** Streamed counts are cumulative: the latest value of each field wins. */
  #mergeUsage(usage: UsageSchema | undefined): void {
    if (usage === undefined) return;
    this.#usage = {
      inputTokens: usage.input_tokens ?? this.#usage.inputTokens,
      outputTokens: usage.output_tokens ?? this.#usage.outputTokens,
      cacheWriteTokens: usage.cache_creation_input_tokens ?? this.#usage.cacheWriteTokens,
      cacheReadTokens: usage.cache_read_input_tokens ?? this.#usage.cacheReadTokens,
    };
  }
}

function mapStopReason(reason: string): StopReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'end_turn';
    case 'tool_use':
      return 'tool_use';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    case 'refusal':
      return 'refusal';
    case 'pause_turn':
      return 'pause';
    default:
      return 'other';
  }
}

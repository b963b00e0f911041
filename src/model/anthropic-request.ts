/**
 * Our provider-neutral request in Anthropic's Messages shape, with prompt-cache breakpoints.
 *
 * Caching: the API caches the prefix ending at each `cache_control` block, and a later
 * request reads a stored prefix that ends at one of its own breakpoints or at most 20 blocks
 * before one. A session's prefix grows by a few blocks per turn, so we mark, in this order of
 * priority (the API allows 4):
 *   1. the system prompt block         (tools come before it and, like it, never change
 *                                       within a session, so this one covers both),
 *   2. the last block of the last message (writes the whole conversation for the next turn),
 *   3. the cache anchors the request names: ends of conversation parts that compaction has
 *      just rewritten or left untouched (src/context/auto-compact.ts), so the request after
 *      old outputs were trimmed reads everything before the trimmed part from the cache
 *      instead of writing it all again, however many blocks back it lies,
 *   4. the last block of the previous user message (exactly what the previous request wrote
 *      at 2, so this request reads it even when more than the 20-block lookback was added
 *      since, e.g. after many parallel tool results).
 * Fewer when a part is absent, none when the request turns caching off.
 */
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  TextBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages/messages';
import type { Message, ModelRequest } from './types.ts';

export const MAX_CACHE_BREAKPOINTS = 4;

const EPHEMERAL = { type: 'ephemeral' } as const;

type Block = ContentBlockParam & { cache_control?: { type: 'ephemeral' } | null };

export function buildAnthropicParams(model: string, request: ModelRequest): MessageCreateParamsStreaming {
  const tools: Tool[] = request.tools.map((spec) => ({
    name: spec.name,
    description: spec.description,
    input_schema: { ...spec.inputSchema, type: 'object' as const },
  }));
  const caching = request.promptCache !== false;
  const converted = request.messages.map(toAnthropicMessage);
  const messages: ConvertedMessage[] = converted.filter((m): m is ConvertedMessage => m !== null);
  if (caching) markConversationBreakpoints(messages, anchorsIn(converted, request.cacheAnchors ?? []), MAX_CACHE_BREAKPOINTS - (request.system.length > 0 ? 1 : 0));

  const params: MessageCreateParamsStreaming = {
    model,
    max_tokens: request.maxOutputTokens,
    messages,
    stream: true,
  };
  // The API rejects empty text blocks, so an empty system prompt is left out entirely.
  if (request.system.length > 0) {
    const system: TextBlockParam[] = [caching ? { type: 'text', text: request.system, cache_control: EPHEMERAL } : { type: 'text', text: request.system }];
    params.system = system;
  }
  if (tools.length > 0) params.tools = tools;
  return params;
}

interface ConvertedMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

function toAnthropicMessage(message: Message): ConvertedMessage | null {
  const content: Block[] = [];
  if (message.role === 'user') {
    for (const block of message.content) {
      if (block.type === 'text') {
        if (block.text.length > 0) content.push({ type: 'text', text: block.text });
      } else {
        content.push({
          type: 'tool_result',
          tool_use_id: block.toolUseId,
          content: block.content,
          is_error: block.isError,
        });
      }
    }
  } else {
    for (const block of message.content) {
      if (block.type === 'text') {
        if (block.text.length > 0) content.push({ type: 'text', text: block.text });
      } else {
        content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input ?? {} });
      }
    }
  }
  // A message left empty (say, an assistant turn that only said "") is dropped: the API
  // rejects empty content and merges the neighbouring same-role turns anyway.
  if (content.length === 0) return null;
  return { role: message.role, content };
}

/** The converted messages the anchors (indices into the request's messages) point at; an
 * anchor on a message that converted to nothing moves back to the nearest one that did not. */
function anchorsIn(converted: readonly (ConvertedMessage | null)[], anchors: readonly number[]): ConvertedMessage[] {
  const found: ConvertedMessage[] = [];
  for (const anchor of anchors) {
    for (let i = Math.min(anchor, converted.length - 1); i >= 0; i--) {
      const message = converted[i];
      if (message != null) {
        found.push(message);
        break;
      }
    }
  }
  return found;
}

function markConversationBreakpoints(messages: ConvertedMessage[], anchors: readonly ConvertedMessage[], available: number): void {
  let left = available;
  const mark = (message: ConvertedMessage | undefined): void => {
    const block = message?.content.at(-1);
    if (left <= 0 || block === undefined || block.cache_control != null) return;
    block.cache_control = EPHEMERAL;
    left--;
  };
  mark(messages.at(-1));
  for (const anchor of anchors) mark(anchor);

  let usersSeen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    usersSeen++;
    if (usersSeen === 2) {
      mark(message);
      return;
    }
  }
}

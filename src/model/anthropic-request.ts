/**
 * Our provider-neutral request in Anthropic's Messages shape, with prompt-cache breakpoints.
 *
 * Caching: the API caches the prefix ending at each `cache_control` block, and a later
 * request reads the longest stored prefix it starts with. A session's prefix grows by a few
 * blocks per turn, so we mark
 *   1. the last tool definition        (tools never change within a session),
 *   2. the system prompt block         (nor does the system prompt),
 *   3. the last block of the last message (writes the whole conversation for the next turn),
 *   4. the last block of the previous user message (exactly what the previous request wrote
 *      at 3, so this request reads it even when more than the API's 20-block lookback
 *      was added since, e.g. after many parallel tool results).
 * That is the API's maximum of 4 breakpoints; fewer when a part is absent.
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
  const lastTool = tools.at(-1);
  if (lastTool !== undefined) lastTool.cache_control = EPHEMERAL;

  const messages: ConvertedMessage[] = request.messages.map(toAnthropicMessage).filter((m): m is ConvertedMessage => m !== null);
  markConversationBreakpoints(messages);

  const params: MessageCreateParamsStreaming = {
    model,
    max_tokens: request.maxOutputTokens,
    messages,
    stream: true,
  };
  // The API rejects empty text blocks, so an empty system prompt is left out entirely.
  if (request.system.length > 0) {
    const system: TextBlockParam[] = [{ type: 'text', text: request.system, cache_control: EPHEMERAL }];
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

function markConversationBreakpoints(messages: ConvertedMessage[]): void {
  const last = messages.at(-1);
  const lastBlock = last?.content.at(-1);
  if (lastBlock !== undefined) lastBlock.cache_control = EPHEMERAL;

  let usersSeen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    usersSeen++;
    if (usersSeen === 2) {
      const block = message.content.at(-1);
      if (block !== undefined) block.cache_control = EPHEMERAL;
      return;
    }
  }
}

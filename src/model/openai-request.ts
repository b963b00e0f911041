/**
 * Our provider-neutral request in the Chat Completions shape, which OpenAI and the local
 * OpenAI-compatible servers (Ollama, LM Studio, vLLM, llama.cpp) all accept.
 *
 * - The system prompt is the first message, role `system`.
 * - Tools are function tools; their JSON Schema goes in `parameters`.
 * - Tool results become `role: 'tool'` messages right after the assistant message that made
 *   the calls (the API requires that order); any text the user turn also carried follows.
 *   Chat Completions has no error flag on a tool message, so a failed tool's result is
 *   prefixed with "Error: " for the model to see.
 * - Usage is requested in the stream (`stream_options.include_usage`).
 */
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions/completions';
import type { Message, ModelRequest } from './types.ts';

export function buildOpenAIParams(
  model: string,
  request: ModelRequest,
  options: { readonly officialApi: boolean },
): ChatCompletionCreateParamsStreaming {
  const messages: ChatCompletionMessageParam[] = [];
  if (request.system.length > 0) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages) messages.push(...toOpenAIMessages(message));

  const params: ChatCompletionCreateParamsStreaming = {
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  // OpenAI's reasoning models reject max_tokens and want max_completion_tokens; some
  // local servers only know max_tokens. Each gets the one it understands.
  if (options.officialApi) params.max_completion_tokens = request.maxOutputTokens;
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the field local servers read
  else params.max_tokens = request.maxOutputTokens;

  // Some local servers reject an empty tools array, so it is left out when there are none.
  if (request.tools.length > 0) {
    const tools: ChatCompletionTool[] = request.tools.map((spec) => ({
      type: 'function',
      function: { name: spec.name, description: spec.description, parameters: spec.inputSchema },
    }));
    params.tools = tools;
  }
  return params;
}

function toOpenAIMessages(message: Message): ChatCompletionMessageParam[] {
  if (message.role === 'assistant') {
    const text = message.content
      .filter((block) => block.type === 'text')
      .map((block) => block.text)
      .join('');
    const toolCalls = message.content
      .filter((block) => block.type === 'tool_use')
      .map((block) => ({
        id: block.id,
        type: 'function' as const,
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      }));
    if (toolCalls.length === 0) return [{ role: 'assistant', content: text }];
    return [{ role: 'assistant', content: text.length > 0 ? text : null, tool_calls: toolCalls }];
  }

  const out: ChatCompletionMessageParam[] = [];
  const texts: string[] = [];
  for (const block of message.content) {
    if (block.type === 'tool_result') {
      out.push({
        role: 'tool',
        tool_call_id: block.toolUseId,
        content: block.isError ? `Error: ${block.content}` : block.content,
      });
    } else if (block.text.length > 0) {
      texts.push(block.text);
    }
  }
  if (texts.length > 0) out.push({ role: 'user', content: texts.join('\n\n') });
  return out;
}

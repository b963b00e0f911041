/**
 * A provider-free estimate of a request's prompt tokens, before it is sent: about four
 * characters per token over the system prompt, the tool definitions and the messages. Good
 * enough to decide whether a request will fit; the provider's usage is the real count.
 */
import type { Message, ToolSpec } from '../model/types.ts';

const CHARS_PER_TOKEN = 4;

export function estimateTokensOfText(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimateMessageChars(messages: readonly Message[]): number {
  let chars = 0;
  for (const message of messages) {
    for (const block of message.content) chars += JSON.stringify(block).length;
  }
  return chars;
}

export function estimateRequestTokens(system: string, tools: readonly ToolSpec[], messages: readonly Message[]): number {
  const toolChars = tools.reduce((sum, tool) => sum + JSON.stringify(tool).length, 0);
  return Math.ceil((system.length + toolChars + estimateMessageChars(messages)) / CHARS_PER_TOKEN);
}

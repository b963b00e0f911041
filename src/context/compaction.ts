/**
 * Auto-compaction: when the last request's prompt passed a share of the context window, the
 * older part of the conversation is replaced, before the next request, by a summary the model
 * writes. Cheaper first: if shortening old, large tool outputs alone gets under the threshold,
 * that is all that happens. Both happen only at such moments, so the cached prefix is broken
 * once per compaction rather than on every turn.
 *
 * The system prompt (with the AGENTS.md files) is never touched: memory survives verbatim.
 * The checkpoint is a `compaction` event; resume (session/conversation.ts) replays it.
 */
import type { Message, ModelTurn, ToolSpec, UserBlock } from '../model/types.ts';
import { estimateMessageChars, estimateTokensOfText } from './token-estimate.ts';

export const DEFAULT_COMPACT_THRESHOLD = 0.8;
/** Messages kept verbatim after the summary (moved back so a tool result keeps its call). */
export const KEEP_RECENT_MESSAGES = 4;
/** Tool outputs longer than this, outside the recent messages, are trimmed to a note. */
export const TRIM_OVER_CHARS = 2048;

export const SUMMARY_SYSTEM_PROMPT = 'You write the working summary of a coding session so that it can continue without the full history. Answer with the summary only; do not call tools.';

export const SUMMARY_INSTRUCTION = [
  'Summarise the conversation below so the session can continue from the summary alone. Keep, under these headings:',
  '1. Task: what the user asked for, in their words where it matters.',
  '2. Decisions made and why.',
  '3. Files touched and their current state (created, edited, deleted; what is in them now).',
  '4. Open todos: what is left to do, and what was being done when the summary was taken.',
  '5. The user\'s latest instructions and any constraints they set.',
  'Be specific (paths, names, commands, errors); drop what no longer matters.',
].join('\n');

export const SUMMARY_PREFIX = '[Summary of the earlier part of this session, written at a compaction checkpoint]';

export function summaryMessage(summary: string): Message {
  return { role: 'user', content: [{ type: 'text', text: `${SUMMARY_PREFIX}\n\n${summary}` }] };
}

export function trimNote(chars: number): string {
  return `[output trimmed: ${chars} chars; re-run the call to see it]`;
}

/** Whether a prompt of `contextTokens` passed `threshold` of the window (never without a known window). */
export function passedThreshold(contextTokens: number | null, contextWindow: number | null, threshold: number): boolean {
  return contextTokens !== null && contextWindow !== null && contextTokens >= threshold * contextWindow;
}

/** Where the verbatim tail starts: about `keep` messages from the end, at an assistant message,
 * so no tool result is separated from its call and roles still alternate after the summary. */
export function recentStart(messages: readonly Message[], keep: number): number {
  let start = Math.max(0, messages.length - keep);
  while (start > 0 && messages[start]?.role !== 'assistant') start--;
  return start;
}

/** Whether a tool result is one trimming would shorten. */
function trimmable(block: UserBlock): boolean {
  return block.type === 'tool_result' && block.content.length > TRIM_OVER_CHARS;
}

/** Characters of tool output that trimming the messages before `before` would take out. */
export function trimmableChars(messages: readonly Message[], before: number): number {
  let chars = 0;
  for (const message of messages.slice(0, before)) {
    if (message.role !== 'user') continue;
    for (const block of message.content) if (block.type === 'tool_result' && trimmable(block)) chars += block.content.length;
  }
  return chars;
}

/**
 * Shortens tool outputs over TRIM_OVER_CHARS in every message before `before`. `firstChanged`
 * is the index of the first message that changed (messages before it are byte-identical, so
 * their cached prefix stays valid), or -1 when nothing did.
 */
export function trimOldToolOutputs(messages: readonly Message[], before: number): { messages: Message[]; trimmed: number; charsSaved: number; firstChanged: number } {
  let trimmed = 0;
  let charsSaved = 0;
  let firstChanged = -1;
  const result = messages.map((message, index): Message => {
    if (index >= before || message.role !== 'user' || !message.content.some(trimmable)) return message;
    if (firstChanged < 0) firstChanged = index;
    const content = message.content.map((block): UserBlock => {
      if (block.type !== 'tool_result' || !trimmable(block)) return block;
      const note = trimNote(block.content.length);
      trimmed++;
      charsSaved += block.content.length - note.length;
      return { ...block, content: note };
    });
    return { role: 'user', content };
  });
  return { messages: result, trimmed, charsSaved, firstChanged };
}

/** The replaced messages as plain text for the summary request, which carries no tools. */
export function renderForSummary(messages: readonly Message[]): string {
  const lines: string[] = [];
  for (const message of messages) {
    for (const block of message.content) {
      if (block.type === 'text') lines.push(`${message.role}: ${block.text}`);
      else if (block.type === 'tool_use') lines.push(`assistant called ${block.name} ${JSON.stringify(block.input)}`);
      else lines.push(`${block.isError ? 'tool error' : 'tool result'}: ${block.content}`);
    }
  }
  return lines.join('\n\n');
}

export interface CompactionRequest {
  readonly messages: readonly Message[];
  /** The prompt tokens of the last request, as the provider counted them. */
  readonly contextTokens: number;
  readonly contextWindow: number;
  readonly threshold: number;
  /** Sends the summary request (through the turn requester: retries and events apply). */
  readonly summarise: (messages: readonly Message[], system: string, tools: readonly ToolSpec[]) => Promise<ModelTurn>;
  /** Extra instructions (`/compact focus on the parser`). */
  readonly instructions?: string;
}

export interface CompactionResult {
  readonly messages: Message[];
  readonly summary: string;
  readonly replacedMessages: number;
  readonly keptMessages: number;
  readonly trimmedOutputs: number;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  /** The summary request's turn, for its usage; null when trimming alone was enough. */
  readonly summaryTurn: ModelTurn | null;
  /** The first message that changed (0 after a summary): everything before it is still cached. */
  readonly firstChanged: number;
}

/** Compacts `messages`; null when there is nothing old enough to compact. */
export async function compact(request: CompactionRequest): Promise<CompactionResult | null> {
  const { messages, contextTokens } = request;
  const start = recentStart(messages, KEEP_RECENT_MESSAGES);
  if (start <= 0) return null;
  const limit = request.threshold * request.contextWindow;

  const trim = trimOldToolOutputs(messages, start);
  const afterTrim = contextTokens - Math.floor(trim.charsSaved / 4);
  if (trim.trimmed > 0 && afterTrim < limit) {
    return trimmedResult(messages, start, trim, contextTokens);
  }

  const old = trim.messages.slice(0, start);
  const instruction = request.instructions === undefined || request.instructions.trim() === '' ? SUMMARY_INSTRUCTION : `${SUMMARY_INSTRUCTION}\nAlso: ${request.instructions.trim()}`;
  const turn = await request.summarise([{ role: 'user', content: [{ type: 'text', text: `${instruction}\n\n<conversation>\n${renderForSummary(old)}\n</conversation>` }] }], SUMMARY_SYSTEM_PROMPT, []);
  const summary = turn.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('').trim();
  if (summary === '') throw new Error('the model returned an empty summary');
  const kept = messages.slice(start);
  const result = [summaryMessage(summary), ...kept];
  const removedChars = estimateMessageChars(messages) - estimateMessageChars(result);
  return {
    messages: result,
    summary,
    replacedMessages: start,
    keptMessages: kept.length,
    trimmedOutputs: 0,
    tokensBefore: contextTokens,
    // The provider's count minus what was removed; at least the estimate of what is left.
    tokensAfter: Math.max(estimateTokensOfText(JSON.stringify(result)), contextTokens - Math.floor(removedChars / 4)),
    summaryTurn: turn,
    firstChanged: 0,
  };
}

/** Trimming old outputs alone, as a compaction result (no summary, nothing replaced). */
export function trimmedResult(messages: readonly Message[], start: number, trim: ReturnType<typeof trimOldToolOutputs>, contextTokens: number): CompactionResult {
  return {
    messages: trim.messages,
    summary: '',
    replacedMessages: 0,
    keptMessages: messages.length - start,
    trimmedOutputs: trim.trimmed,
    tokensBefore: contextTokens,
    tokensAfter: contextTokens - Math.floor(trim.charsSaved / 4),
    summaryTurn: null,
    firstChanged: trim.firstChanged,
  };
}

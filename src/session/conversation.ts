/**
 * Rebuilds the conversation the model saw from a transcript's events, for resume. A tool call
 * whose result is in the transcript keeps that result and is never run again; a call that was
 * proposed but never finished gets a result saying so, so the model decides what to do next
 * with full knowledge instead of ward silently re-running something that may have had effects.
 */
import type { WardEvent } from '../events/schema.ts';
import { summaryMessage, trimOldToolOutputs } from '../context/compaction.ts';
import { addUsage, ZERO_USAGE, type AssistantBlock, type Message, type ToolResultBlock, type Usage, type UserBlock } from '../model/types.ts';

export interface RebuiltSession {
  readonly messages: Message[];
  /** What the next user message must start with: the results of the last assistant message's
   * tool calls (real ones from the transcript, or a note that the call never finished), then
   * any user text recorded after it. Empty when the last turn ended cleanly. */
  readonly pendingUser: UserBlock[];
  readonly turns: number;
  readonly usage: Usage;
  readonly costUsd: number | null;
  /** Prompt tokens of the last request, so a resumed session compacts when it should. */
  readonly lastContextTokens: number | null;
}

export function rebuildConversation(events: readonly WardEvent[]): RebuiltSession {
  const messages: Message[] = [];
  let userBlocks: UserBlock[] = [];
  let lastAssistantCalls: { id: string; name: string }[] = [];
  const finished = new Map<string, ToolResultBlock>();
  const started = new Set<string>();
  let turns = 0;
  let usage = ZERO_USAGE;
  let costUsd: number | null = 0;
  let lastContextTokens: number | null = null;

  const flushUser = (): void => {
    if (userBlocks.length > 0) messages.push({ role: 'user', content: userBlocks });
    userBlocks = [];
  };
  const resultsFor = (calls: { id: string; name: string }[]): ToolResultBlock[] =>
    calls.map(
      (call) =>
        finished.get(call.id) ?? {
          type: 'tool_result',
          toolUseId: call.id,
          isError: true,
          content: started.has(call.id)
            ? `Interrupted: ward stopped while ${call.name} was running, so its effects are unknown. Check the state before running it again.`
            : `Not run: the session stopped before this ${call.name} call ran.`,
        },
    );

  for (const event of events) {
    switch (event.type) {
      case 'user_message':
        userBlocks.push({ type: 'text', text: event.text });
        break;
      case 'assistant_message': {
        // Results of the previous assistant message come first in the user message after it.
        if (lastAssistantCalls.length > 0) userBlocks.unshift(...resultsFor(lastAssistantCalls));
        flushUser();
        // Results belong to the assistant message right before them: providers may reuse ids
        // across turns, so an earlier call's result must never answer a later call.
        finished.clear();
        started.clear();
        const content: AssistantBlock[] = event.content.map((block) =>
          block.type === 'text'
            ? { type: 'text', text: block.text }
            : { type: 'tool_use', id: block.id, name: block.name, input: block.input ?? {} },
        );
        messages.push({ role: 'assistant', content });
        lastAssistantCalls = content.flatMap((block) => (block.type === 'tool_use' ? [{ id: block.id, name: block.name }] : []));
        turns = Math.max(turns, event.turn);
        break;
      }
      case 'tool_started':
        started.add(event.callId);
        break;
      case 'tool_finished':
        finished.set(event.callId, { type: 'tool_result', toolUseId: event.callId, content: event.output, isError: event.status !== 'ok' });
        break;
      case 'compaction': {
        // The loop compacted with the last user message already in place; here it is still
        // pending, so one kept message fewer is among those already rebuilt.
        const keptHere = Math.max(0, event.keptMessages - 1);
        const kept = messages.splice(Math.max(0, messages.length - keptHere));
        if (event.replacedMessages > 0) {
          messages.splice(0, messages.length, summaryMessage(event.summary), ...kept);
        } else {
          const trimmed = trimOldToolOutputs(messages, messages.length).messages;
          messages.splice(0, messages.length, ...trimmed, ...kept);
        }
        lastContextTokens = event.tokensAfter;
        break;
      }
      case 'usage':
        if (event.contextTokens !== undefined) lastContextTokens = event.contextTokens;
        usage = addUsage(usage, event.usage);
        costUsd = costUsd === null || event.costUsd === null ? null : costUsd + event.costUsd;
        break;
      default:
        break;
    }
  }

  return {
    messages,
    pendingUser: [...resultsFor(lastAssistantCalls), ...userBlocks],
    turns,
    usage,
    costUsd,
    lastContextTokens,
  };
}

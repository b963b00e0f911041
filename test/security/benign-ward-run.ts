/**
 * ward's side of a benign session: the built `ward -p --permission-mode auto` against the
 * scripted model server, one tool call per model turn, and what came of each call: the
 * decision, the sandbox it ran in, and the tool result the model was sent in the next request.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { eventSchema, type EventOf, type WardEvent } from '../../src/events/schema.ts';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.ts';
import type { Script } from '../support/script.ts';
import { onlyTranscript, runWard, type WardRun } from '../support/run-ward.ts';

export type ToolCall = { readonly name: 'bash'; readonly input: { command: string } } | { readonly name: 'edit'; readonly input: { path: string; old_string: string; new_string: string } };

export interface CallOutcome {
  readonly decision: EventOf<'tool_decision'> | undefined;
  readonly approvals: readonly EventOf<'tool_approval'>[];
  readonly started: EventOf<'tool_started'> | undefined;
  readonly finished: EventOf<'tool_finished'> | undefined;
  /** The tool_result content the model received for this call, or undefined when none was sent. */
  readonly sentToModel: { readonly content: string; readonly isError: boolean } | undefined;
}

export interface WardSessionResult {
  readonly run: WardRun;
  readonly calls: readonly CallOutcome[];
  readonly events: readonly WardEvent[];
  readonly violations: readonly string[];
  readonly remainingTurns: number;
}

export function callId(index: number): string {
  return `benign_${index + 1}`;
}

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]).optional(),
  is_error: z.boolean().optional(),
});
const anthropicRequest = z.object({ messages: z.array(z.object({ role: z.string(), content: z.union([z.string(), z.array(z.unknown())]) })) });

/** Every tool result the model was sent over the whole session, by tool_use_id (the first time it was sent). */
function toolResultsSent(server: ScriptedServer): Map<string, { content: string; isError: boolean }> {
  const results = new Map<string, { content: string; isError: boolean }>();
  for (const request of server.requests) {
    const body = anthropicRequest.safeParse(request.body);
    if (!body.success) continue;
    for (const message of body.data.messages) {
      if (typeof message.content === 'string') continue;
      for (const block of message.content) {
        const result = toolResultBlock.safeParse(block);
        if (!result.success || results.has(result.data.tool_use_id)) continue;
        const { content } = result.data;
        const text = typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join('');
        results.set(result.data.tool_use_id, { content: text, isError: result.data.is_error === true });
      }
    }
  }
  return results;
}

function readTranscript(wardHome: string): WardEvent[] {
  return readFileSync(onlyTranscript(wardHome), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => eventSchema.parse(JSON.parse(line)));
}

function ofType<T extends WardEvent['type']>(events: readonly WardEvent[], type: T, id: string): EventOf<T>[] {
  return events.filter((event): event is EventOf<T> => event.type === type && 'callId' in event && event.callId === id);
}

export interface WardSessionOptions {
  readonly project: string;
  readonly wardHome: string;
  /** The base environment ward runs with (HOME and anything else a test wants). */
  readonly env: Readonly<Record<string, string>>;
}

/** Runs the calls, in order, one per model turn, through the real `ward -p` in auto mode. */
export async function runWardSession(calls: readonly ToolCall[], options: WardSessionOptions): Promise<WardSessionResult> {
  const script: Script = {
    turns: [...calls.map((call, index) => ({ toolCalls: [{ id: callId(index), name: call.name, input: call.input }] })), { text: 'All commands ran.' }],
  };
  const server = await startScriptedServer(script);
  try {
    const run = await runWard(['-p', 'run the development commands', '--permission-mode', 'auto', '--output-format', 'stream-json'], {
      cwd: options.project,
      env: { ...options.env, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: options.wardHome },
    });
    const events = readTranscript(options.wardHome);
    const sent = toolResultsSent(server);
    const outcomes = calls.map((_call, index): CallOutcome => {
      const id = callId(index);
      return {
        decision: ofType(events, 'tool_decision', id)[0],
        approvals: ofType(events, 'tool_approval', id),
        started: ofType(events, 'tool_started', id)[0],
        finished: ofType(events, 'tool_finished', id)[0],
        sentToModel: sent.get(id),
      };
    });
    return { run, calls: outcomes, events, violations: [...server.violations], remainingTurns: server.remainingTurns() };
  } finally {
    await server.close();
  }
}

export interface ParsedBashResult {
  /** What the command printed, without ward's status line and notes; '' for "(no output)". */
  readonly output: string;
  /** ward's status line, e.g. `Exit code: 0`. */
  readonly status: string;
  /** ward's `Note: …` lines after the status, without the prefix. */
  readonly notes: readonly string[];
}

const STATUS_LINE = /^(Exit code: (\d+|unknown)|Timed out after \d+ ms; process group killed\.|Cancelled; process group killed\.|Killed; process group killed\.|Terminated by signal \w+\.|Could not start the command: .*)$/;

/**
 * Splits a bash tool result as src/tools/bash.ts formats it: the output (ward writes
 * "(no output)" for none and drops one trailing newline), the status line, then notes.
 */
export function parseBashResult(content: string): ParsedBashResult {
  const lines = content.split('\n');
  let statusIndex = lines.length - 1;
  while (statusIndex >= 0 && (lines[statusIndex] ?? '').startsWith('Note: ')) statusIndex -= 1;
  const status = lines[statusIndex] ?? '';
  if (!STATUS_LINE.test(status)) throw new Error(`no status line in the bash result:\n${content}`);
  const body = lines.slice(0, statusIndex).join('\n');
  return {
    output: body === '(no output)' ? '' : body,
    status,
    notes: lines.slice(statusIndex + 1).map((line) => line.slice('Note: '.length)),
  };
}

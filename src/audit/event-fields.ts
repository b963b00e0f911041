/**
 * What the audit log records of each event: who did what, what policy decided and why, what
 * ran where and how it ended, what it cost. Not what was said or read: prompts, answers, tool
 * inputs and outputs appear as sizes and SHA-256 digests (which tie a line to the transcript
 * without repeating it), unless the user's or managed settings set audit.includeContent.
 *
 * An event kind this file does not know yet (added to the schema later) is still recorded,
 * with its numbers and booleans only: a new kind must not leak content by default.
 */
import type { WardEvent } from '../events/schema.ts';
import { digestOf, sha256Hex } from './canonical.ts';
import type { AuditFields } from './record.ts';

export interface FieldOptions {
  readonly includeContent: boolean;
  /** Whether the call with this id runs in the sandbox, from its tool_started; undefined for in-process tools. */
  readonly sandboxedCall: (callId: string) => boolean | undefined;
}

/** The event's fields for its audit line, or null for events that are not accountable. */
export function auditFieldsFor(event: WardEvent, options: FieldOptions): AuditFields | null {
  const content = options.includeContent;
  switch (event.type) {
    case 'text_delta':
    case 'todos_updated':
      return null;
    case 'session_started':
      return {
        event: event.type,
        sessionId: event.sessionId,
        cwd: event.cwd,
        provider: event.provider,
        model: event.model,
        baseUrl: event.baseUrl,
        permissionMode: event.permissionMode,
        wardVersion: event.wardVersion,
        resumed: event.resumed,
      };
    case 'user_message':
      return { event: event.type, chars: event.text.length, digest: sha256Hex(event.text), text: content ? event.text : undefined };
    case 'model_request':
      return { event: event.type, turn: event.turn, attempt: event.attempt, messageCount: event.messageCount };
    case 'assistant_message': {
      const text = event.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      return {
        event: event.type,
        turn: event.turn,
        stopReason: event.stopReason,
        textChars: text.length,
        toolCalls: event.content.filter((block) => block.type === 'tool_use').length,
        content: content ? event.content : undefined,
      };
    }
    case 'usage':
      return { event: event.type, turn: event.turn, usage: event.usage, costUsd: event.costUsd, totalUsage: event.totalUsage, totalCostUsd: event.totalCostUsd };
    case 'retry':
      return { event: event.type, attempt: event.attempt, maxAttempts: event.maxAttempts, delayMs: event.delayMs, reason: event.reason, status: event.status };
    case 'tool_proposed':
      return { event: event.type, callId: event.callId, tool: event.tool, inputDigest: digestOf(event.input), input: content ? event.input : undefined };
    case 'tool_decision':
      return { event: event.type, callId: event.callId, tool: event.tool, decision: event.decision, reason: event.reason, source: event.source };
    case 'tool_approval':
      return { event: event.type, callId: event.callId, approved: event.approved, by: event.by, reason: event.reason };
    case 'tool_started':
      return { event: event.type, callId: event.callId, tool: event.tool, sandbox: event.sandbox, sandboxed: sandboxedBy(event.sandbox) };
    case 'tool_finished':
      return {
        event: event.type,
        callId: event.callId,
        tool: event.tool,
        status: event.status,
        exitCode: event.exitCode,
        durationMs: event.durationMs,
        sandboxed: options.sandboxedCall(event.callId),
        truncated: event.truncated,
        outputChars: event.output.length,
        outputDigest: sha256Hex(event.output),
        output: content ? event.output : undefined,
      };
    case 'network_decision':
      return { event: event.type, method: event.method, host: event.host, port: event.port, allowed: event.allowed, reason: event.reason };
    case 'warning':
      return { event: event.type, message: event.message };
    case 'memory_loaded':
      return { event: event.type, files: event.files.map((file) => ({ path: file.path, bytes: file.bytes })), totalBytes: event.totalBytes };
    case 'compaction':
      return {
        event: event.type,
        replacedMessages: event.replacedMessages,
        trimmedOutputs: event.trimmedOutputs,
        tokensBefore: event.tokensBefore,
        tokensAfter: event.tokensAfter,
        summaryChars: event.summary.length,
        summary: content ? event.summary : undefined,
      };
    case 'budget_warning':
    case 'budget_exceeded':
      return { event: event.type, limit: event.limit, scope: event.scope, used: event.used, max: event.max, source: event.source, message: event.message };
    case 'error':
      return { event: event.type, message: event.message, hint: event.hint, fatal: event.fatal };
    case 'session_ended':
      return {
        event: event.type,
        reason: event.reason,
        exitCode: event.exitCode,
        turns: event.turns,
        durationMs: event.durationMs,
        totalUsage: event.totalUsage,
        totalCostUsd: event.totalCostUsd,
        resultChars: event.result.length,
        result: content ? event.result : undefined,
      };
    default:
      return unknownEventFields(event, content);
  }
}

/** `none` means the command ran on the host; any other name is a sandbox backend. */
export function sandboxedBy(sandbox: string | undefined): boolean | undefined {
  return sandbox === undefined ? undefined : sandbox !== 'none';
}

function unknownEventFields(event: { readonly type: string }, content: boolean): AuditFields {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || key === 'ts') continue;
    if (content || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
  }
  return { ...fields, event: event.type };
}

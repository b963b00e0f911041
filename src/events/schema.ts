/**
 * The session as a stream of typed events. Everything that observes a session (transcript,
 * headless output, the terminal, later audit and telemetry) subscribes to this stream; the
 * loop never calls an observer directly. Adding an event kind is one change here.
 *
 * The schema is also how a transcript is read back from disk: every line is parsed with it.
 */
import { z } from 'zod';

const usage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
});

const textBlock = z.object({ type: z.literal('text'), text: z.string() });
const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  inputError: z.string().optional(),
});

export const permissionModeSchema = z.enum(['default', 'accept-edits', 'plan', 'auto', 'bypass']);
export const decisionSchema = z.enum(['allow', 'ask', 'deny']);

const base = {
  /** Milliseconds since the epoch. */
  ts: z.number(),
};

/** A budget limit (src/session/budget.ts): amounts in its unit, USD, tokens, turns, seconds or tool calls. */
const budgetFields = {
  limit: z.enum(['cost', 'tokens', 'turns', 'duration', 'tool_calls']),
  /** `session`: counted over the whole session (cost, tokens); `run`: over this run. */
  scope: z.enum(['session', 'run']),
  used: z.number(),
  max: z.number(),
  /** What set the limit: a flag, a settings file, or the default. */
  source: z.string(),
  message: z.string(),
};

export const eventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('session_started'),
    sessionId: z.string(),
    cwd: z.string(),
    provider: z.string(),
    model: z.string(),
    baseUrl: z.string(),
    permissionMode: permissionModeSchema,
    wardVersion: z.string(),
    /** Set when this run continues an earlier session's transcript. */
    resumed: z.boolean(),
  }),
  z.object({ ...base, type: z.literal('user_message'), text: z.string() }),
  z.object({
    ...base,
    type: z.literal('model_request'),
    turn: z.number().int(),
    attempt: z.number().int(),
    messageCount: z.number().int(),
    /** Estimate of the request's prompt tokens before sending (context/token-estimate.ts). */
    estimatedTokens: z.number().int().optional(),
  }),
  z.object({ ...base, type: z.literal('text_delta'), turn: z.number().int(), text: z.string() }),
  z.object({
    ...base,
    type: z.literal('assistant_message'),
    turn: z.number().int(),
    content: z.array(z.discriminatedUnion('type', [textBlock, toolUseBlock])),
    stopReason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('usage'),
    turn: z.number().int(),
    usage,
    /** Cost of this request in USD, or null when the model has no known price. */
    costUsd: z.number().nullable(),
    totalUsage: usage,
    totalCostUsd: z.number().nullable(),
    /** The prompt size of this request: input + cache read + cache write tokens. */
    contextTokens: z.number().int().optional(),
    /** The model's context window in tokens, or null when unknown. */
    contextWindow: z.number().int().nullable().optional(),
  }),
  z.object({
    ...base,
    /** The AGENTS.md files put in the system prompt, imports included, with their sizes. */
    type: z.literal('memory_loaded'),
    files: z.array(z.object({ path: z.string(), bytes: z.number().int(), importedBy: z.string().optional() })),
    totalBytes: z.number().int(),
  }),
  z.object({
    ...base,
    /** A summary checkpoint replaced the older part of the conversation; resume starts here. */
    type: z.literal('compaction'),
    summary: z.string(),
    /** How many messages of the conversation the summary replaced. */
    replacedMessages: z.number().int(),
    /** How many of the latest messages follow the summary verbatim (the last one may still be pending). */
    keptMessages: z.number().int(),
    /** Tool outputs shortened to a note (old, large results) at this moment. */
    trimmedOutputs: z.number().int(),
    tokensBefore: z.number().int(),
    tokensAfter: z.number().int(),
  }),
  z.object({
    ...base,
    type: z.literal('retry'),
    attempt: z.number().int(),
    maxAttempts: z.number().int(),
    delayMs: z.number(),
    reason: z.string(),
    status: z.number().int().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('tool_proposed'),
    callId: z.string(),
    tool: z.string(),
    input: z.unknown(),
  }),
  z.object({
    ...base,
    type: z.literal('tool_decision'),
    callId: z.string(),
    tool: z.string(),
    decision: decisionSchema,
    reason: z.string(),
    /** What decided: a rule like `bash(npm test)`, a mode, or a default. */
    source: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('tool_approval'),
    callId: z.string(),
    approved: z.boolean(),
    /** `headless` when nobody could be asked and "ask" became a denial. */
    by: z.enum(['user', 'headless']),
    reason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('tool_started'),
    callId: z.string(),
    tool: z.string(),
    /** For tools that run programs: the sandbox they run in (`bubblewrap`, `seatbelt`), or `none`. */
    sandbox: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('tool_finished'),
    callId: z.string(),
    tool: z.string(),
    /** `ok`: ran and succeeded; `error`: ran and failed, or was invalid; `denied`: never ran. */
    status: z.enum(['ok', 'error', 'denied']),
    /** Exactly what the model receives, after the output cap and redaction. */
    output: z.string(),
    durationMs: z.number(),
    truncated: z.boolean(),
    exitCode: z.number().int().nullable().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('todos_updated'),
    todos: z.array(z.object({ content: z.string(), status: z.enum(['pending', 'in_progress', 'completed']) })),
  }),
  z.object({
    ...base,
    type: z.literal('network_decision'),
    /** CONNECT, GET, …: a request a sandboxed command made through ward's proxy. */
    method: z.string(),
    host: z.string().nullable(),
    port: z.number().int().nullable(),
    allowed: z.boolean(),
    reason: z.string(),
  }),
  z.object({ ...base, type: z.literal('warning'), message: z.string() }),
  z.object({
    ...base,
    type: z.literal('budget_warning'),
    ...budgetFields,
  }),
  z.object({
    ...base,
    /** A limit was reached: the session ends before its next action, with reason `budget` (or `max_turns`). */
    type: z.literal('budget_exceeded'),
    ...budgetFields,
  }),
  z.object({
    ...base,
    type: z.literal('error'),
    message: z.string(),
    /** What the user can do about it. */
    hint: z.string().optional(),
    fatal: z.boolean(),
  }),
  z.object({
    ...base,
    type: z.literal('session_ended'),
    reason: z.enum(['completed', 'max_turns', 'cancelled', 'error', 'budget']),
    result: z.string(),
    turns: z.number().int(),
    totalUsage: usage,
    totalCostUsd: z.number().nullable(),
    durationMs: z.number(),
    exitCode: z.number().int(),
  }),
]);

export type WardEvent = z.infer<typeof eventSchema>;
export type EventType = WardEvent['type'];
export type EventOf<T extends EventType> = Extract<WardEvent, { type: T }>;
/** An event as emitted: the bus stamps the time. */
export type EventInput = WardEvent extends infer E ? (E extends WardEvent ? Omit<E, 'ts'> : never) : never;
export type PermissionMode = z.infer<typeof permissionModeSchema>;
export type Decision = z.infer<typeof decisionSchema>;

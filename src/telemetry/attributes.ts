/**
 * Attribute and instrument names. The `gen_ai.*` names are the OpenTelemetry GenAI semantic
 * conventions as @opentelemetry/semantic-conventions 1.45 lists them (its constants are all
 * marked deprecated there, having moved to the separate GenAI conventions repository with the
 * same names, so they are spelled out here rather than imported). `ward.*` names are ward's own.
 */

export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  /** Superseded by gen_ai.provider.name; both are set, for back ends that know only one. */
  system: 'gen_ai.system',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  conversationId: 'gen_ai.conversation.id',
  agentName: 'gen_ai.agent.name',
  finishReasons: 'gen_ai.response.finish_reasons',
  /** All input tokens, cached ones included, as the convention asks. */
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationTokens: 'gen_ai.usage.cache_creation.input_tokens',
  tokenType: 'gen_ai.token.type',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  /** Content: only with includeContent. */
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
} as const;

export const OPERATION = { chat: 'chat', executeTool: 'execute_tool', invokeAgent: 'invoke_agent' } as const;

export const WARD = {
  sessionId: 'session.id',
  permissionMode: 'ward.permission_mode',
  resumed: 'ward.resumed',
  turn: 'ward.turn',
  attempt: 'ward.model.attempt',
  toolCalls: 'ward.model.tool_calls',
  costUsd: 'ward.cost_usd',
  decision: 'ward.decision',
  decisionReason: 'ward.decision.reason',
  decisionSource: 'ward.decision.source',
  approved: 'ward.approval.approved',
  approvedBy: 'ward.approval.by',
  deniedBy: 'ward.denied_by',
  sandbox: 'ward.tool.sandbox',
  sandboxed: 'ward.tool.sandboxed',
  toolStatus: 'ward.tool.status',
  exitCode: 'ward.tool.exit_code',
  durationMs: 'ward.tool.duration_ms',
  truncated: 'ward.tool.truncated',
  retryReason: 'ward.retry.reason',
  httpStatus: 'http.response.status_code',
  errorType: 'error.type',
  endReason: 'ward.session.end_reason',
  exitStatus: 'ward.exit_code',
  turns: 'ward.turns',
  budgetLimit: 'ward.budget.limit',
  networkHost: 'server.address',
  networkPort: 'server.port',
  networkMethod: 'http.request.method',
  networkAllowed: 'ward.network.allowed',
} as const;

export const METRIC = {
  /** Histogram per the GenAI conventions (input and output only). */
  tokenUsage: 'gen_ai.client.token.usage',
  /** Seconds from sending a model request to its completed answer. */
  operationDuration: 'gen_ai.client.operation.duration',
  /** Counter of every token kind, cache reads and writes included. */
  tokens: 'ward.tokens',
  cost: 'ward.cost',
  toolCalls: 'ward.tool.calls',
  toolDuration: 'ward.tool.duration',
  denials: 'ward.permission.denials',
  retries: 'ward.model.retries',
  compactions: 'ward.compactions',
  contextTokens: 'ward.context.tokens',
  sessions: 'ward.sessions',
} as const;

/** Content attributes are capped: a 5 MB tool output is not something to put on a span. */
const CONTENT_LIMIT = 16 * 1024;

export function cappedContent(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.length <= CONTENT_LIMIT ? text : `${text.slice(0, CONTENT_LIMIT)}… [${text.length - CONTENT_LIMIT} more characters]`;
}

/** All input tokens of a request: ward's `inputTokens` excludes cache reads and writes. */
export function allInputTokens(usage: { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

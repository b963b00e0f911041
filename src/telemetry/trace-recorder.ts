/**
 * Spans built from the event stream, timed by the events' own timestamps:
 *
 *   invoke_agent ward            session_started .. session_ended
 *     turn N                     first model_request of turn N .. the next turn, or the end
 *       chat <model>             model_request .. assistant_message (one span per attempt;
 *                                a retried attempt ends with an error status), with usage
 *       execute_tool <tool>      tool_proposed .. tool_finished: decision, sandbox, exit code
 *
 * By default nothing here comes from what the model wrote or a tool returned: names, decisions
 * and their reasons, counts and durations. Tool arguments and results are added only with
 * includeContent.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { EventOf, WardEvent } from '../events/schema.ts';
import { allInputTokens, cappedContent, GEN_AI, OPERATION, WARD } from './attributes.ts';

interface OpenRequest {
  readonly span: Span;
  answeredAt: number | null;
}

export class TraceRecorder {
  readonly #tracer: Tracer;
  readonly #includeContent: boolean;
  #session: Span | null = null;
  #model = 'model';
  #modelAttributes: Attributes = {};
  #turn: { readonly number: number; readonly span: Span } | null = null;
  #request: OpenRequest | null = null;
  readonly #tools = new Map<string, { readonly span: Span; decided: boolean }>();

  constructor(tracer: Tracer, includeContent: boolean) {
    this.#tracer = tracer;
    this.#includeContent = includeContent;
  }

  /** The span a log record about this call (or the session) belongs to. */
  contextFor(callId?: string): Context {
    const span = (callId === undefined ? undefined : this.#tools.get(callId)?.span) ?? this.#turn?.span ?? this.#session;
    return span === null ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, span);
  }

  record(event: WardEvent): void {
    switch (event.type) {
      case 'session_started':
        return this.#startSession(event);
      case 'model_request':
        return this.#startRequest(event);
      case 'retry':
        return this.#endRequest(event.ts, { [WARD.retryReason]: event.reason, ...(event.status === undefined ? {} : { [WARD.httpStatus]: event.status }) }, event.reason);
      case 'assistant_message':
        return this.#answered(event);
      case 'usage':
        return this.#usage(event);
      case 'tool_proposed':
        return this.#startTool(event);
      case 'tool_decision':
        return this.#decision(event);
      case 'tool_approval':
        this.#tools.get(event.callId)?.span.setAttributes({ [WARD.approved]: event.approved, [WARD.approvedBy]: event.by });
        return;
      case 'tool_started':
        return this.#toolStarted(event);
      case 'tool_finished':
        return this.#endTool(event);
      case 'error':
        this.#session?.addEvent('ward.error', { [WARD.errorType]: event.fatal ? 'fatal' : 'error' }, event.ts);
        return;
      case 'session_ended':
        return this.#endSession(event);
      default:
        return;
    }
  }

  #startSession(event: EventOf<'session_started'>): void {
    this.#model = event.model;
    this.#modelAttributes = { [GEN_AI.providerName]: event.provider, [GEN_AI.system]: event.provider, [GEN_AI.requestModel]: event.model };
    this.#session = this.#tracer.startSpan(`${OPERATION.invokeAgent} ward`, {
      kind: SpanKind.INTERNAL,
      startTime: event.ts,
      attributes: {
        [GEN_AI.operationName]: OPERATION.invokeAgent,
        [GEN_AI.agentName]: 'ward',
        [GEN_AI.conversationId]: event.sessionId,
        [WARD.sessionId]: event.sessionId,
        [WARD.permissionMode]: event.permissionMode,
        [WARD.resumed]: event.resumed,
        ...this.#modelAttributes,
      },
    });
  }

  #child(name: string, parent: Span | null, startTime: number, kind: SpanKind, attributes: Attributes): Span {
    const context = parent === null ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent);
    return this.#tracer.startSpan(name, { kind, startTime, attributes }, context);
  }

  #startRequest(event: EventOf<'model_request'>): void {
    this.#endRequest(event.ts, {}, 'superseded by another attempt');
    if (this.#turn?.number !== event.turn) {
      this.#turn?.span.end(event.ts);
      this.#turn = { number: event.turn, span: this.#child(`turn ${event.turn}`, this.#session, event.ts, SpanKind.INTERNAL, { [WARD.turn]: event.turn }) };
    }
    const span = this.#child(`${OPERATION.chat} ${this.#model}`, this.#turn.span, event.ts, SpanKind.CLIENT, {
      [GEN_AI.operationName]: OPERATION.chat,
      ...this.#modelAttributes,
      [WARD.turn]: event.turn,
      [WARD.attempt]: event.attempt,
    });
    this.#request = { span, answeredAt: null };
  }

  /** Ends the open request: normally once answered and its usage is in, else as failed. */
  #endRequest(at: number, attributes: Attributes, failure: string): void {
    const request = this.#request;
    if (request === null) return;
    this.#request = null;
    request.span.setAttributes(attributes);
    if (request.answeredAt === null) {
      request.span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
      request.span.setAttribute(WARD.errorType, failure);
    }
    request.span.end(request.answeredAt ?? at);
  }

  #answered(event: EventOf<'assistant_message'>): void {
    if (this.#request === null) return;
    this.#request.answeredAt = event.ts;
    this.#request.span.setAttributes({
      [GEN_AI.finishReasons]: [event.stopReason],
      [WARD.toolCalls]: event.content.filter((block) => block.type === 'tool_use').length,
    });
  }

  #usage(event: EventOf<'usage'>): void {
    const { usage } = event;
    this.#endRequest(event.ts, {
      [GEN_AI.inputTokens]: allInputTokens(usage),
      [GEN_AI.outputTokens]: usage.outputTokens,
      [GEN_AI.cacheReadTokens]: usage.cacheReadTokens,
      [GEN_AI.cacheCreationTokens]: usage.cacheWriteTokens,
      ...(event.costUsd === null ? {} : { [WARD.costUsd]: event.costUsd }),
    }, 'no usage was reported');
  }

  #startTool(event: EventOf<'tool_proposed'>): void {
    const span = this.#child(`${OPERATION.executeTool} ${event.tool}`, this.#turn?.span ?? this.#session, event.ts, SpanKind.INTERNAL, {
      [GEN_AI.operationName]: OPERATION.executeTool,
      [GEN_AI.toolName]: event.tool,
      [GEN_AI.toolCallId]: event.callId,
      ...(this.#includeContent ? { [GEN_AI.toolCallArguments]: cappedContent(event.input) } : {}),
    });
    this.#tools.set(event.callId, { span, decided: false });
  }

  /** The first decision is the call's; later ones (web_fetch's redirect hops) are span events. */
  #decision(event: EventOf<'tool_decision'>): void {
    const tool = this.#tools.get(event.callId);
    if (tool === undefined) return;
    const attributes = { [WARD.decision]: event.decision, [WARD.decisionReason]: event.reason, [WARD.decisionSource]: event.source };
    if (tool.decided) tool.span.addEvent('ward.decision', attributes, event.ts);
    else tool.span.setAttributes(attributes);
    tool.decided = true;
  }

  #toolStarted(event: EventOf<'tool_started'>): void {
    const span = this.#tools.get(event.callId)?.span;
    if (span === undefined) return;
    // Commands say which sandbox they ran in; in-process tools (read, edit, ...) run in none.
    span.setAttribute(WARD.sandboxed, event.sandbox !== undefined && event.sandbox !== 'none');
    if (event.sandbox !== undefined) span.setAttribute(WARD.sandbox, event.sandbox);
  }

  #endTool(event: EventOf<'tool_finished'>): void {
    const tool = this.#tools.get(event.callId);
    if (tool === undefined) return;
    this.#tools.delete(event.callId);
    tool.span.setAttributes({
      [WARD.toolStatus]: event.status,
      [WARD.durationMs]: event.durationMs,
      [WARD.truncated]: event.truncated,
      ...(typeof event.exitCode === 'number' ? { [WARD.exitCode]: event.exitCode } : {}),
      ...(this.#includeContent ? { [GEN_AI.toolCallResult]: cappedContent(event.output) } : {}),
    });
    if (event.status === 'error') tool.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the tool call failed' });
    tool.span.end(event.ts);
  }

  /**
   * Ends whatever is still open when ward stops without a session_ended (an internal error):
   * an open span is never exported, and the session's would be the one most missed.
   */
  endOpen(at: number): void {
    this.#endChildren(at, 'ward stopped before the session ended');
    if (this.#session === null) return;
    this.#session.setStatus({ code: SpanStatusCode.ERROR, message: 'ward stopped before the session ended' });
    this.#session.end(at);
    this.#session = null;
  }

  #endChildren(at: number, why: string): void {
    this.#endRequest(at, {}, why);
    for (const { span } of this.#tools.values()) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: why });
      span.end(at);
    }
    this.#tools.clear();
    this.#turn?.span.end(at);
    this.#turn = null;
  }

  #endSession(event: EventOf<'session_ended'>): void {
    this.#endChildren(event.ts, `the session ended (${event.reason}) first`);
    const session = this.#session;
    if (session === null) return;
    this.#session = null;
    const total = event.totalUsage;
    session.setAttributes({
      [WARD.endReason]: event.reason,
      [WARD.exitStatus]: event.exitCode,
      [WARD.turns]: event.turns,
      [GEN_AI.inputTokens]: allInputTokens(total),
      [GEN_AI.outputTokens]: total.outputTokens,
      [GEN_AI.cacheReadTokens]: total.cacheReadTokens,
      [GEN_AI.cacheCreationTokens]: total.cacheWriteTokens,
      ...(event.totalCostUsd === null ? {} : { [WARD.costUsd]: event.totalCostUsd }),
    });
    if (event.reason === 'error') session.setStatus({ code: SpanStatusCode.ERROR, message: 'the session failed' });
    session.end(event.ts);
  }
}

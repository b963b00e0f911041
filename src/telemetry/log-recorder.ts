/**
 * Log records for what a reader of a session's record looks for: every policy decision and
 * approval, network decisions of sandboxed commands, budget events, retries, warnings and
 * errors, each tied to the span it happened in. The prompt and the model's answers are logged
 * only with includeContent.
 */
import { SeverityNumber, type Attributes, type Context, type Logger } from '@opentelemetry/api';
import type { WardEvent } from '../events/schema.ts';
import { cappedContent, GEN_AI, WARD } from './attributes.ts';

export class LogRecorder {
  readonly #logger: Logger;
  readonly #includeContent: boolean;
  readonly #contextFor: (callId?: string) => Context;
  /** tool_approval does not name its tool; tool_proposed did. */
  readonly #tools = new Map<string, string>();

  constructor(logger: Logger, includeContent: boolean, contextFor: (callId?: string) => Context) {
    this.#logger = logger;
    this.#includeContent = includeContent;
    this.#contextFor = contextFor;
  }

  record(event: WardEvent): void {
    switch (event.type) {
      case 'tool_proposed':
        this.#tools.set(event.callId, event.tool);
        return;
      case 'tool_finished':
        this.#tools.delete(event.callId);
        return;
      case 'tool_decision':
        return this.#emit(event, 'ward.tool.decision', event.decision === 'allow' ? 'INFO' : 'WARN', `${event.tool}: ${event.decision}: ${event.reason}`, {
          [GEN_AI.toolName]: event.tool,
          [GEN_AI.toolCallId]: event.callId,
          [WARD.decision]: event.decision,
          [WARD.decisionReason]: event.reason,
          [WARD.decisionSource]: event.source,
        }, event.callId);
      case 'tool_approval':
        return this.#emit(event, 'ward.tool.approval', event.approved ? 'INFO' : 'WARN', `${event.approved ? 'approved' : 'not approved'} (${event.by}): ${event.reason}`, {
          [GEN_AI.toolName]: this.#tools.get(event.callId) ?? 'unknown',
          [GEN_AI.toolCallId]: event.callId,
          [WARD.approved]: event.approved,
          [WARD.approvedBy]: event.by,
        }, event.callId);
      case 'network_decision':
        return this.#emit(event, 'ward.network.decision', event.allowed ? 'INFO' : 'WARN', `${event.method} ${event.host ?? '?'}:${event.port ?? '?'}: ${event.allowed ? 'allowed' : 'denied'}: ${event.reason}`, {
          [WARD.networkMethod]: event.method,
          ...(event.host === null ? {} : { [WARD.networkHost]: event.host }),
          ...(event.port === null ? {} : { [WARD.networkPort]: event.port }),
          [WARD.networkAllowed]: event.allowed,
        });
      case 'budget_warning':
      case 'budget_exceeded':
        return this.#emit(event, `ward.${event.type}`, 'WARN', event.message, { [WARD.budgetLimit]: event.limit });
      case 'retry':
        return this.#emit(event, 'ward.model.retry', 'WARN', `attempt ${event.attempt} of ${event.maxAttempts} after: ${event.reason}`, event.status === undefined ? {} : { [WARD.httpStatus]: event.status });
      case 'warning':
        return this.#emit(event, 'ward.warning', 'WARN', event.message, {});
      case 'error':
        return this.#emit(event, 'ward.error', 'ERROR', event.message, { [WARD.errorType]: event.fatal ? 'fatal' : 'error' });
      case 'user_message':
        if (this.#includeContent) this.#emit(event, 'ward.user_message', 'INFO', cappedContent(event.text), {});
        return;
      case 'assistant_message':
        if (this.#includeContent) {
          const text = event.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
          this.#emit(event, 'ward.assistant_message', 'INFO', cappedContent(text), { [WARD.turn]: event.turn });
        }
        return;
      default:
        return;
    }
  }

  #emit(event: WardEvent, name: string, severity: 'INFO' | 'WARN' | 'ERROR', body: string, attributes: Attributes, callId?: string): void {
    this.#logger.emit({
      eventName: name,
      timestamp: event.ts,
      severityNumber: SeverityNumber[severity],
      severityText: severity,
      body,
      attributes,
      context: this.#contextFor(callId),
    });
  }
}

/**
 * Metrics from the event stream: tokens by kind, cost, tool calls by tool and decision,
 * permission denials, model latency and tool duration, retries, compactions, context size,
 * sessions by how they ended. Attributes are names and outcomes only, so the number of series
 * stays small and nothing the model or a tool wrote is in them.
 */
import { ValueType, type Attributes, type Meter } from '@opentelemetry/api';
import type { EventOf, WardEvent } from '../events/schema.ts';
import { allInputTokens, GEN_AI, METRIC, OPERATION, WARD } from './attributes.ts';

export class MetricRecorder {
  readonly #tokens;
  readonly #tokenUsage;
  readonly #operationDuration;
  readonly #cost;
  readonly #toolCalls;
  readonly #toolDuration;
  readonly #denials;
  readonly #retries;
  readonly #compactions;
  readonly #contextTokens;
  readonly #sessions;
  #model: Attributes = {};
  #requestStartedAt: number | null = null;
  /** Per open call: its tool, its first decision, whether it started. */
  readonly #calls = new Map<string, { readonly tool: string; decision: string; started: boolean }>();

  constructor(meter: Meter) {
    this.#tokens = meter.createCounter(METRIC.tokens, { unit: '{token}', description: 'Tokens by kind: input, output, cache_read, cache_creation', valueType: ValueType.INT });
    this.#tokenUsage = meter.createHistogram(METRIC.tokenUsage, { unit: '{token}', description: 'Input and output tokens per model request', valueType: ValueType.INT });
    this.#operationDuration = meter.createHistogram(METRIC.operationDuration, { unit: 's', description: 'Time from a model request to its completed answer' });
    this.#cost = meter.createCounter(METRIC.cost, { unit: 'USD', description: 'Cost of model requests, for models with a known price' });
    this.#toolCalls = meter.createCounter(METRIC.toolCalls, { unit: '{call}', description: 'Tool calls by tool, decision and outcome', valueType: ValueType.INT });
    this.#toolDuration = meter.createHistogram(METRIC.toolDuration, { unit: 's', description: 'Time a tool ran' });
    this.#denials = meter.createCounter(METRIC.denials, { unit: '{call}', description: 'Tool calls denied by the policy, or not approved', valueType: ValueType.INT });
    this.#retries = meter.createCounter(METRIC.retries, { unit: '{retry}', description: 'Model requests retried', valueType: ValueType.INT });
    // No event reports a compaction yet; the counter is ready for one named `compaction`.
    this.#compactions = meter.createCounter(METRIC.compactions, { unit: '{compaction}', description: 'Conversation compactions', valueType: ValueType.INT });
    this.#contextTokens = meter.createGauge(METRIC.contextTokens, { unit: '{token}', description: 'Input tokens of the latest model request: the context the model saw', valueType: ValueType.INT });
    this.#sessions = meter.createCounter(METRIC.sessions, { unit: '{session}', description: 'Sessions by how they ended', valueType: ValueType.INT });
  }

  record(event: WardEvent): void {
    switch (event.type) {
      case 'session_started':
        this.#model = { [GEN_AI.providerName]: event.provider, [GEN_AI.requestModel]: event.model };
        return;
      case 'model_request':
        this.#requestStartedAt = event.ts;
        return;
      case 'assistant_message':
        if (this.#requestStartedAt !== null) this.#operationDuration.record((event.ts - this.#requestStartedAt) / 1000, { [GEN_AI.operationName]: OPERATION.chat, ...this.#model });
        this.#requestStartedAt = null;
        return;
      case 'retry':
        // The status only: the reason is a free-text message, one series each.
        this.#retries.add(1, { ...(event.status === undefined ? {} : { [WARD.httpStatus]: event.status }), ...this.#model });
        return;
      case 'usage':
        return this.#usage(event);
      case 'tool_proposed':
        this.#calls.set(event.callId, { tool: event.tool, decision: 'none', started: false });
        return;
      case 'tool_decision':
        return this.#decision(event);
      case 'tool_approval':
        return this.#approval(event);
      case 'tool_started': {
        const call = this.#calls.get(event.callId);
        if (call !== undefined) call.started = true;
        return;
      }
      case 'tool_finished':
        return this.#finished(event);
      case 'session_ended':
        this.#sessions.add(1, { [WARD.endReason]: event.reason });
        return;
      default:
        // Counted by name, so the counter works the day the event lands in the schema.
        if ((event as { readonly type: string }).type === 'compaction') this.#compactions.add(1, this.#model);
        return;
    }
  }

  #usage(event: EventOf<'usage'>): void {
    const { usage } = event;
    const kinds: [string, number][] = [
      ['input', usage.inputTokens],
      ['output', usage.outputTokens],
      ['cache_read', usage.cacheReadTokens],
      ['cache_creation', usage.cacheWriteTokens],
    ];
    for (const [kind, count] of kinds) this.#tokens.add(count, { [GEN_AI.tokenType]: kind, ...this.#model });
    const base = { [GEN_AI.operationName]: OPERATION.chat, ...this.#model };
    this.#tokenUsage.record(allInputTokens(usage), { ...base, [GEN_AI.tokenType]: 'input' });
    this.#tokenUsage.record(usage.outputTokens, { ...base, [GEN_AI.tokenType]: 'output' });
    if (event.costUsd !== null) this.#cost.add(event.costUsd, this.#model);
    this.#contextTokens.record(allInputTokens(usage), this.#model);
  }

  #decision(event: EventOf<'tool_decision'>): void {
    const call = this.#calls.get(event.callId);
    if (call !== undefined && call.decision === 'none') call.decision = event.decision;
    if (event.decision === 'deny') this.#denials.add(1, { [GEN_AI.toolName]: event.tool, [WARD.deniedBy]: 'policy' });
  }

  #approval(event: EventOf<'tool_approval'>): void {
    if (event.approved) return;
    const tool = this.#calls.get(event.callId)?.tool ?? 'unknown';
    // `headless`: an "ask" nobody could answer; `user`: the user said no.
    this.#denials.add(1, { [GEN_AI.toolName]: tool, [WARD.deniedBy]: event.by });
  }

  #finished(event: EventOf<'tool_finished'>): void {
    const call = this.#calls.get(event.callId);
    this.#calls.delete(event.callId);
    const tool = { [GEN_AI.toolName]: event.tool };
    this.#toolCalls.add(1, { ...tool, [WARD.decision]: call?.decision ?? 'none', [WARD.toolStatus]: event.status });
    if (call?.started === true) this.#toolDuration.record(event.durationMs / 1000, { ...tool, [WARD.toolStatus]: event.status });
  }
}

/**
 * Budget accounting for one run: counts what the session spends (tokens, USD, from the usage
 * of each completed turn, starting from the totals resume restored) and how far this run has
 * gone (turns, wall time, tool calls), warns once per limit at 80%, and says when a limit is
 * reached.
 *
 * It never stops anything itself. The loop asks it between actions (before a model request,
 * before each tool call) and ends the session there, so a tool call that started always
 * finishes and nothing is ever cut in the middle of a write. Token and cost limits are
 * checked before model requests only, because only requests spend them: the calls a turn
 * already paid for still run, and their results are saved for the next run.
 *
 * Tokens counted: everything the provider reports, input + output + cache writes + cache
 * reads. Cost: the sum of each turn's price (model/pricing.ts); for a model without a known
 * price it is unknown, and a cost limit cannot be checked (the run says so at the start).
 */
import type { EventInput } from '../events/schema.ts';
import type { Usage } from '../model/types.ts';
import { BUDGET_KEYS, BUDGETS, formatBudgetAmount, formatFlagValue, type BudgetKey, type BudgetLimit, type BudgetLimits } from './budget-limits.ts';

/** Share of a limit at which a budget_warning is emitted. */
export const WARNING_SHARE = 0.8;

export interface BudgetStop {
  readonly key: BudgetKey;
  /** The session's end reason: the turn limit keeps its own (exit code 3). */
  readonly reason: 'budget' | 'max_turns';
  /** For the user: which limit, how much was used, and how to continue. */
  readonly message: string;
  /** The tool result a call refused by this stop gets. */
  readonly notRun: string;
}

export interface SessionBudgetOptions {
  readonly limits: BudgetLimits;
  readonly emit: (event: EventInput) => void;
  /** The session's totals so far (restored on resume); cost null when unknown. */
  readonly spent: { readonly usage: Usage; readonly costUsd: number | null };
  /** Whether the model has a known price; without one a cost limit cannot be checked. */
  readonly modelPriced: boolean;
  readonly now?: () => number;
}

const BEFORE_MODEL_REQUEST: readonly BudgetKey[] = ['cost', 'tokens', 'turns', 'duration'];
const BEFORE_TOOL_CALL: readonly BudgetKey[] = ['tool_calls', 'duration'];

export function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
}

export class SessionBudget {
  readonly #limits: BudgetLimits;
  readonly #emit: (event: EventInput) => void;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #modelPriced: boolean;
  #tokens: number;
  #costUsd: number | null;
  #turns = 0;
  #toolCalls = 0;
  readonly #warned = new Set<BudgetKey>();
  #stop: BudgetStop | null = null;

  constructor(options: SessionBudgetOptions) {
    this.#limits = options.limits;
    this.#emit = options.emit;
    this.#now = options.now ?? performance.now.bind(performance);
    this.#startedAt = this.#now();
    this.#modelPriced = options.modelPriced;
    this.#tokens = totalTokens(options.spent.usage);
    this.#costUsd = options.spent.costUsd;
  }

  /** Said once at the start of a run: a cost limit that cannot be checked, and limits a
   * resumed session is already close to. */
  announce(): void {
    const cost = this.#limits.cost;
    if (cost !== undefined && (!this.#modelPriced || this.#costUsd === null)) {
      const why = this.#modelPriced ? 'part of this session ran on a model without a known price' : 'this model has no known price';
      this.#emit({
        type: 'warning',
        message: `${cost.source} is set but ${why}, so the session's cost is unknown and the cost budget cannot be checked: only token limits apply (set --max-tokens)`,
      });
    }
    this.#warnNear();
  }

  /** After each completed model turn, with the session's totals including it. */
  recordTurn(totalUsage: Usage, totalCostUsd: number | null): void {
    this.#turns++;
    this.recordSpend(totalUsage, totalCostUsd);
  }

  /** Spending that is not a turn of the conversation (a compaction's summary request). */
  recordSpend(totalUsage: Usage, totalCostUsd: number | null): void {
    this.#tokens = totalTokens(totalUsage);
    this.#costUsd = totalCostUsd;
    this.#warnNear();
  }

  /** When a tool call is let through to the tool runner. */
  recordToolCall(): void {
    this.#toolCalls++;
    this.#warnNear();
  }

  /** Asked before each model request: a stop, or null to go on. */
  beforeModelRequest(): BudgetStop | null {
    return this.#check(BEFORE_MODEL_REQUEST);
  }

  /** Asked before each tool call: a stop, or null to go on. */
  beforeToolCall(): BudgetStop | null {
    return this.#check(BEFORE_TOOL_CALL);
  }

  /** How much of a limit's unit has been used (session or run, by the limit's scope). */
  used(key: BudgetKey): number | null {
    switch (key) {
      case 'cost':
        return this.#costUsd;
      case 'tokens':
        return this.#tokens;
      case 'turns':
        return this.#turns;
      case 'duration':
        return Math.round(this.#now() - this.#startedAt) / 1000;
      case 'tool_calls':
        return this.#toolCalls;
    }
  }

  #check(keys: readonly BudgetKey[]): BudgetStop | null {
    if (this.#stop !== null) return this.#stop;
    this.#warnNear();
    for (const key of keys) {
      const limit = this.#limits[key];
      const used = this.used(key);
      if (limit === undefined || used === null || used < limit.max) continue;
      const stop = stopFor(key, limit, used);
      this.#emit({ type: 'budget_exceeded', limit: key, scope: BUDGETS[key].scope, used, max: limit.max, source: limit.source, message: stop.message });
      this.#stop = stop;
      return stop;
    }
    return null;
  }

  #warnNear(): void {
    for (const key of BUDGET_KEYS) {
      const limit = this.#limits[key];
      const used = this.used(key);
      if (limit === undefined || used === null || this.#warned.has(key) || used < limit.max * WARNING_SHARE) continue;
      this.#warned.add(key);
      const spec = BUDGETS[key];
      const share = Math.floor((used / limit.max) * 100);
      this.#emit({
        type: 'budget_warning',
        limit: key,
        scope: spec.scope,
        used,
        max: limit.max,
        source: limit.source,
        message: `${share}% of the ${spec.name} used: ${formatBudgetAmount(key, used)} of ${formatBudgetAmount(key, limit.max)} ${scopeWords(key)} (${limit.source})`,
      });
    }
  }
}

function scopeWords(key: BudgetKey): string {
  return BUDGETS[key].scope === 'session' ? 'this session' : 'this run';
}

function stopFor(key: BudgetKey, limit: BudgetLimit, used: number): BudgetStop {
  const spec = BUDGETS[key];
  const notRun = `Not run: the session stopped at its ${spec.name} (${limit.source}) before this call started.`;
  if (key === 'turns') {
    // The wording --max-turns has always had; scripts match on it.
    return { key, reason: 'max_turns', notRun, message: `stopped after ${limit.max} turns (${limit.source}); resume with --continue to go on` };
  }
  const what = key === 'tool_calls' ? `stopped before tool call ${used + 1}` : `stopped at the ${spec.name}`;
  const spent = `${formatBudgetAmount(key, used)} used of ${formatBudgetAmount(key, limit.max)} ${scopeWords(key)} (${limit.source})`;
  return { key, reason: 'budget', notRun, message: `${what}: ${spent}. Everything is saved; ${howToContinue(key, limit, used)}` };
}

function howToContinue(key: BudgetKey, limit: BudgetLimit, used: number): string {
  const spec = BUDGETS[key];
  if (spec.scope === 'run') return `continue with a new run: ward -p --continue (each run gets the full ${spec.name} again)`;
  if (limit.ceiling !== undefined && limit.max >= limit.ceiling) {
    return `the ceiling of ${formatBudgetAmount(key, limit.ceiling)} is set by managed settings and cannot be raised here; the session can be continued where a higher ceiling applies`;
  }
  // A suggestion that leaves room to work: twice the limit, or twice what was used.
  let raised = Math.max(limit.max, used) * 2;
  if (spec.integer) raised = Math.ceil(raised);
  else raised = Math.ceil(raised * 100) / 100;
  if (limit.ceiling !== undefined) raised = Math.min(raised, limit.ceiling);
  return `continue with a higher limit: ward -p --continue ${spec.flag} ${formatFlagValue(key, raised)}`;
}

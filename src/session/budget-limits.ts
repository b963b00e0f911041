/**
 * What a session may spend and how far one run may go: the five budget limits, how their
 * values are written (flags and settings), and how the layers combine into the limits a run
 * enforces (src/session/budget.ts does the counting).
 *
 * Scope, chosen so that `--continue` with a raised limit does what it says:
 *   cost, tokens     per SESSION: what you pay for. Resume restores the session's usage and
 *                    cost from the transcript, so the limit applies to the total so far, and
 *                    continuing needs a limit above what was already spent.
 *   turns, duration, per RUN: how far ward may go unattended in one invocation. A new run is
 *   tool calls       someone looking again; --max-turns has always counted this way, and its
 *                    default (100) must not make every long session impossible to continue.
 *
 * Layers: managed settings set ceilings nothing below can raise. Below them, a flag is the
 * run's explicit choice and wins; otherwise the tightest value any settings file asks for
 * applies (a project's settings can lower your limit, never raise it, so they need no trust).
 * A flag above a managed ceiling is refused rather than silently lowered.
 */

export const BUDGET_KEYS = ['cost', 'tokens', 'turns', 'duration', 'tool_calls'] as const;
export type BudgetKey = (typeof BUDGET_KEYS)[number];

/** Amounts in each limit's unit: USD, tokens, turns, seconds, tool calls. */
export type BudgetValues = Readonly<Partial<Record<BudgetKey, number>>>;

export interface BudgetLimit {
  /** In the limit's unit (see BudgetValues). */
  readonly max: number;
  /** What set it: a flag, a settings file, or the default. */
  readonly source: string;
  /** The managed ceiling, when managed settings set one: no flag can go above it. */
  readonly ceiling?: number;
}

export type BudgetLimits = Readonly<Partial<Record<BudgetKey, BudgetLimit>>>;

export interface BudgetSpec {
  readonly flag: string;
  /** The key in the settings' `budgets` object. */
  readonly setting: 'maxCostUsd' | 'maxTokens' | 'maxTurns' | 'maxDurationSeconds' | 'maxToolCalls';
  readonly scope: 'session' | 'run';
  /** "the cost budget", "the token budget", … */
  readonly name: string;
  readonly integer: boolean;
}

export const BUDGETS: Readonly<Record<BudgetKey, BudgetSpec>> = {
  cost: { flag: '--max-cost', setting: 'maxCostUsd', scope: 'session', name: 'cost budget', integer: false },
  tokens: { flag: '--max-tokens', setting: 'maxTokens', scope: 'session', name: 'token budget', integer: true },
  turns: { flag: '--max-turns', setting: 'maxTurns', scope: 'run', name: 'turn limit', integer: true },
  duration: { flag: '--max-duration', setting: 'maxDurationSeconds', scope: 'run', name: 'time budget', integer: false },
  tool_calls: { flag: '--max-tool-calls', setting: 'maxToolCalls', scope: 'run', name: 'tool-call budget', integer: true },
};

/** Limits that apply when nothing sets them. */
export const DEFAULT_BUDGETS: BudgetValues = { turns: 100 };

export class BudgetConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetConfigError';
  }
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600 };

/**
 * Reads a flag's text into the limit's unit, or throws a BudgetConfigError saying what a
 * valid value looks like. `--max-duration` takes 90s, 15m, 2h or plain seconds; `--max-cost`
 * US dollars (a leading `$` is allowed).
 */
export function parseBudgetFlag(key: BudgetKey, text: string): number {
  const spec = BUDGETS[key];
  const trimmed = text.trim();
  if (key === 'duration') {
    const match = /^(\d+(?:\.\d+)?)\s*([smh]?)$/i.exec(trimmed);
    const seconds = match === null ? Number.NaN : Number(match[1]) * (UNIT_SECONDS[(match[2] ?? '').toLowerCase()] ?? Number.NaN);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new BudgetConfigError(`${spec.flag} must be a duration above zero like 90s, 15m, 2h or a number of seconds, not "${text}"`);
    }
    return seconds;
  }
  if (spec.integer) {
    const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 1) throw new BudgetConfigError(`${spec.flag} must be a whole number of at least 1, not "${text}"`);
    return value;
  }
  const value = /^\$?(\d+(\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed.replace(/^\$/, '')) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new BudgetConfigError(`${spec.flag} must be an amount of US dollars above zero, like 2 or 0.50, not "${text}"`);
  }
  return value;
}

/** A settings file's `budgets` object, in BudgetValues terms. */
export function budgetValuesFromSettings(budgets: Readonly<Partial<Record<BudgetSpec['setting'], number>>> | undefined): BudgetValues {
  if (budgets === undefined) return {};
  const values: Partial<Record<BudgetKey, number>> = {};
  for (const key of BUDGET_KEYS) {
    const value = budgets[BUDGETS[key].setting];
    if (value !== undefined) values[key] = value;
  }
  return values;
}

export interface BudgetLayers {
  /** Managed settings' budgets: ceilings. */
  readonly managed: { readonly values: BudgetValues; readonly source: string } | null;
  /** The other settings files, each with a description of where it is. */
  readonly files: readonly { readonly values: BudgetValues; readonly source: string }[];
  readonly flags: BudgetValues;
}

/** The limits a run enforces; throws BudgetConfigError for a flag above a managed ceiling. */
export function resolveBudgetLimits(layers: BudgetLayers): BudgetLimits {
  const limits: Partial<Record<BudgetKey, BudgetLimit>> = {};
  for (const key of BUDGET_KEYS) {
    const spec = BUDGETS[key];
    const ceiling = layers.managed?.values[key];
    const flag = layers.flags[key];
    if (flag !== undefined && ceiling !== undefined && flag > ceiling) {
      throw new BudgetConfigError(
        `${spec.flag} ${formatFlagValue(key, flag)} is above the ceiling of ${formatFlagValue(key, ceiling)} set by managed settings (${layers.managed?.source ?? '?'}); ask for ${formatFlagValue(key, ceiling)} or less`,
      );
    }
    let requested: BudgetLimit | undefined = flag === undefined ? undefined : { max: flag, source: spec.flag };
    if (requested === undefined) {
      for (const file of layers.files) {
        const value = file.values[key];
        if (value !== undefined && (requested === undefined || value < requested.max)) requested = { max: value, source: file.source };
      }
    }
    const fallback = DEFAULT_BUDGETS[key];
    if (requested === undefined && fallback !== undefined) requested = { max: fallback, source: `the default ${spec.flag}` };
    if (ceiling !== undefined && (requested === undefined || ceiling < requested.max)) {
      requested = { max: ceiling, source: `managed settings ${layers.managed?.source ?? ''}`.trim() };
    }
    if (requested !== undefined) limits[key] = ceiling === undefined ? requested : { ...requested, ceiling };
  }
  return limits;
}

/** An amount as a user reads it: "$0.0123", "12,345 tokens", "3 turns", "15m", "4 tool calls". */
export function formatBudgetAmount(key: BudgetKey, amount: number): string {
  switch (key) {
    case 'cost':
      return `$${amount < 1 ? amount.toFixed(4) : amount.toFixed(2)}`;
    case 'tokens':
      return `${Math.round(amount).toLocaleString('en-US')} tokens`;
    case 'turns':
      return `${amount} turn${amount === 1 ? '' : 's'}`;
    case 'duration':
      return formatSeconds(amount);
    case 'tool_calls':
      return `${amount} tool call${amount === 1 ? '' : 's'}`;
  }
}

/** An amount as the flag takes it: `2`, `90s`. */
export function formatFlagValue(key: BudgetKey, amount: number): string {
  if (key === 'duration') return `${trimNumber(amount)}s`;
  return trimNumber(amount);
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${trimNumber(Math.round(seconds * 10) / 10)}s`;
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  return [hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : '', rest > 0 ? `${rest}s` : ''].filter((part) => part !== '').join(' ');
}

function trimNumber(value: number): string {
  return String(Number(value.toFixed(6)));
}

/**
 * Prices and context windows of known models, so a session can show what it cost.
 *
 * USD per million tokens, standard (non-batch, non-priority) tier. Anthropic cache writes
 * are the 5-minute rate (ward's breakpoints are `ephemeral` without a ttl); OpenAI charges
 * nothing to write its automatic cache, so its cacheWrite is 0.
 *
 * Checked 2026-11-21 against: platform.claude.com/docs/en/about-claude/pricing and the
 * per-model overview pages (Anthropic); developers.openai.com/docs/models and the model
 * pages (OpenAI), cross-checked for older OpenAI models and for the Sonnet 5.5 cache-read
 * cut of 2026-10-07 and the GPT-5.6 rates against dated third-party price tables.
 * Not modelled: OpenAI's long-context tariff above 272K input tokens (GPT-5.4 and later),
 * regional/priority uplifts, batch discounts. Unknown models cost `null`: tokens only.
 */
import type { Usage } from './types.ts';

export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite: number;
  readonly cacheRead: number;
}

interface PriceEntry {
  readonly price: ModelPrice;
  readonly contextWindow?: number;
  /** Some models charge a higher rate for the whole request once its prompt (input, cache
   * reads and cache writes) exceeds a threshold. */
  readonly longPrompt?: { readonly thresholdTokens: number; readonly price: ModelPrice };
}

const K = 1_000;
const M = 1_000_000;

function p(input: number, output: number, cacheWrite: number, cacheRead: number): ModelPrice {
  return { input, output, cacheWrite, cacheRead };
}

const PRICES: Readonly<Record<string, PriceEntry>> = {
  // Anthropic, Claude 4.x
  'claude-opus-4': { price: p(15, 75, 18.75, 1.5), contextWindow: 200 * K },
  'claude-opus-4-1': { price: p(15, 75, 18.75, 1.5), contextWindow: 200 * K },
  'claude-opus-4-5': { price: p(5, 25, 6.25, 0.5), contextWindow: 200 * K },
  'claude-opus-4-6': { price: p(5, 25, 6.25, 0.5), contextWindow: M },
  'claude-opus-4-7': { price: p(5, 25, 6.25, 0.5), contextWindow: M },
  'claude-opus-4-8': { price: p(5, 25, 6.25, 0.5), contextWindow: M },
  'claude-sonnet-4': { price: p(3, 15, 3.75, 0.3), contextWindow: 200 * K },
  'claude-sonnet-4-5': { price: p(3, 15, 3.75, 0.3), contextWindow: 200 * K },
  'claude-sonnet-4-6': { price: p(3, 15, 3.75, 0.3), contextWindow: M },
  'claude-haiku-4-5': { price: p(1, 5, 1.25, 0.1), contextWindow: 200 * K },
  // Anthropic, Claude 5.x
  'claude-opus-5': { price: p(5, 25, 6.25, 0.5), contextWindow: M },
  'claude-opus-5-5': { price: p(4, 20, 5, 0.2), contextWindow: M },
  'claude-sonnet-5': { price: p(2, 10, 2.5, 0.2), contextWindow: M },
  'claude-sonnet-5-5': { price: p(2, 10, 2.5, 0.1), contextWindow: M },
  'claude-haiku-5-5': {
    price: p(0.1, 0.5, 0.125, 0.01),
    contextWindow: M,
    longPrompt: { thresholdTokens: 100 * K, price: p(0.5, 2.5, 0.625, 0.05) },
  },
  'claude-fable-5': { price: p(10, 50, 12.5, 1), contextWindow: M },
  'claude-fable-5-1': { price: p(10, 50, 12.5, 0.25), contextWindow: M },
  'claude-mythos-5': { price: p(10, 50, 12.5, 1), contextWindow: M },
  'claude-mythos-5-1': { price: p(10, 50, 12.5, 0.25), contextWindow: M },

  // OpenAI
  'gpt-4o': { price: p(2.5, 10, 0, 1.25), contextWindow: 128 * K },
  'gpt-4o-mini': { price: p(0.15, 0.6, 0, 0.075), contextWindow: 128 * K },
  'gpt-4.1': { price: p(2, 8, 0, 0.5), contextWindow: 1_047_576 },
  'gpt-4.1-mini': { price: p(0.4, 1.6, 0, 0.1), contextWindow: 1_047_576 },
  'gpt-4.1-nano': { price: p(0.1, 0.4, 0, 0.025), contextWindow: 1_047_576 },
  'gpt-5': { price: p(1.25, 10, 0, 0.125), contextWindow: 400 * K },
  'gpt-5-mini': { price: p(0.25, 2, 0, 0.025), contextWindow: 400 * K },
  'gpt-5-nano': { price: p(0.05, 0.4, 0, 0.005), contextWindow: 400 * K },
  'gpt-5.1': { price: p(1.25, 10, 0, 0.125), contextWindow: 400 * K },
  'gpt-5.2': { price: p(1.75, 14, 0, 0.175), contextWindow: 400 * K },
  'gpt-5.4': { price: p(2.5, 15, 0, 0.25), contextWindow: M },
  'gpt-5.4-mini': { price: p(0.75, 4.5, 0, 0.075), contextWindow: 400 * K },
  'gpt-5.4-nano': { price: p(0.2, 1.25, 0, 0.02) },
  'gpt-5.5': { price: p(5, 30, 0, 0.5), contextWindow: M },
  // List price; OpenAI's $4/$20 promotion was guaranteed only through 2026-11-21.
  'gpt-5.6-sol': { price: p(5, 30, 0, 0.5) },
  'gpt-5.6-terra': { price: p(2, 12, 0, 0.2) },
  'gpt-5.6-luna': { price: p(0.2, 1.2, 0, 0.02) },
  'gpt-6-astra': { price: p(10, 50, 0, 1) },
  o1: { price: p(15, 60, 0, 7.5), contextWindow: 200 * K },
  o3: { price: p(2, 8, 0, 0.5), contextWindow: 200 * K },
  'o3-mini': { price: p(1.1, 4.4, 0, 0.55), contextWindow: 200 * K },
  'o4-mini': { price: p(1.1, 4.4, 0, 0.275), contextWindow: 200 * K },
};

/** Aliases the providers publish for the same model. */
const ALIASES: Readonly<Record<string, string>> = {
  'claude-opus-4-0': 'claude-opus-4',
  'claude-sonnet-4-0': 'claude-sonnet-4',
};

/**
 * Maps a model id as sent or reported to its table key: lower case, without a gateway
 * prefix ("anthropic/…"), a context suffix ("[1m]"), a Vertex version ("@20250929") or a
 * date snapshot ("-20250929", "-2025-08-07").
 */
export function modelFamily(model: string): string {
  let id = model.trim().toLowerCase();
  id = id.replace(/^(anthropic|openai)\//, '');
  id = id.replace(/\[[^\]]*\]$/, '');
  id = id.replace(/@[^@]*$/, '');
  id = id.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '');
  return ALIASES[id] ?? id;
}

function entryFor(model: string): PriceEntry | undefined {
  return PRICES[modelFamily(model)];
}

export function priceOf(model: string): ModelPrice | null {
  return entryFor(model)?.price ?? null;
}

/**
 * USD cost of one turn's usage, or null for a model without a known price. Call it per
 * turn and add the results: a model with a long-prompt rate picks its rate per request.
 */
export function costOf(model: string, usage: Usage): number | null {
  const entry = entryFor(model);
  if (entry === undefined) return null;
  const promptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const price =
    entry.longPrompt !== undefined && promptTokens > entry.longPrompt.thresholdTokens
      ? entry.longPrompt.price
      : entry.price;
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheWriteTokens * price.cacheWrite +
      usage.cacheReadTokens * price.cacheRead) /
    M
  );
}

/** The model's context window in tokens, or null when we do not know it. */
export function contextWindowOf(model: string): number | null {
  return entryFor(model)?.contextWindow ?? null;
}

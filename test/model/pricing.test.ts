import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextWindowOf, costOf, modelFamily } from '../../src/model/pricing.ts';
import type { Usage } from '../../src/model/types.ts';

const MILLION_EACH: Usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheWriteTokens: 1_000_000, cacheReadTokens: 1_000_000 };

test('a known Anthropic model is priced per token kind, dated ids included', () => {
  // Sonnet 4.5: $3 input, $15 output, $3.75 cache write (5 min), $0.30 cache read.
  assert.equal(costOf('claude-sonnet-4-5', MILLION_EACH), 3 + 15 + 3.75 + 0.3);
  assert.equal(costOf('claude-sonnet-4-5-20250929', MILLION_EACH), costOf('claude-sonnet-4-5', MILLION_EACH));
  const oneTurn: Usage = { inputTokens: 2_000, outputTokens: 500, cacheWriteTokens: 10_000, cacheReadTokens: 40_000 };
  const expected = (2_000 * 5 + 500 * 25 + 10_000 * 6.25 + 40_000 * 0.5) / 1_000_000;
  assert.ok(Math.abs((costOf('claude-opus-4-5-20251101', oneTurn) ?? 0) - expected) < 1e-12);
});

test('OpenAI models: cached tokens at the cached rate, no cache-write charge, snapshots match', () => {
  const usage: Usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheWriteTokens: 0, cacheReadTokens: 1_000_000 };
  assert.equal(costOf('gpt-4o-2024-08-06', usage), 2.5 + 10 + 1.25);
  assert.equal(costOf('gpt-4.1', usage), 2 + 8 + 0.5);
  assert.equal(costOf('gpt-5-mini-2025-08-07', usage), 0.25 + 2 + 0.025);
  assert.equal(costOf('o4-mini', usage), 1.1 + 4.4 + 0.275);
});

test('an unknown model has no price and no context window: tokens only', () => {
  assert.equal(costOf('qwen3-coder:30b', MILLION_EACH), null);
  assert.equal(costOf('gpt-5-turbo-imaginary', MILLION_EACH), null);
  assert.equal(contextWindowOf('llama3.1:8b'), null);
});

test('a long-prompt rate applies to the whole request once the prompt is past its threshold', () => {
  const short: Usage = { inputTokens: 90_000, outputTokens: 1_000, cacheWriteTokens: 0, cacheReadTokens: 0 };
  const long: Usage = { inputTokens: 90_000, outputTokens: 1_000, cacheWriteTokens: 0, cacheReadTokens: 20_000 };
  assert.equal(costOf('claude-haiku-5-5', short), (90_000 * 0.1 + 1_000 * 0.5) / 1_000_000);
  assert.equal(costOf('claude-haiku-5-5', long), (90_000 * 0.5 + 1_000 * 2.5 + 20_000 * 0.05) / 1_000_000);
});

test('context windows of known models', () => {
  assert.equal(contextWindowOf('claude-haiku-4-5-20251001'), 200_000);
  assert.equal(contextWindowOf('claude-sonnet-4-6'), 1_000_000);
  assert.equal(contextWindowOf('gpt-4o-mini'), 128_000);
  assert.equal(contextWindowOf('gpt-5'), 400_000);
});

test('model ids are normalised to their family', () => {
  assert.equal(modelFamily('claude-sonnet-4-20250514'), 'claude-sonnet-4');
  assert.equal(modelFamily('claude-opus-4-0'), 'claude-opus-4');
  assert.equal(modelFamily('anthropic/claude-sonnet-4-5@20250929'), 'claude-sonnet-4-5');
  assert.equal(modelFamily('claude-sonnet-5-5[1m]'), 'claude-sonnet-5-5');
  assert.equal(modelFamily('GPT-4.1-mini-2025-04-14'), 'gpt-4.1-mini');
});

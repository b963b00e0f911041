/**
 * Budget accounting: one warning per limit at 80%, a stop (recorded once) when a limit is
 * reached, at the right check, with a message that says which limit, how much, and how to go
 * on. Time is a clock the test moves, never measured.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventSchema, type EventInput, type WardEvent } from '../../src/events/schema.ts';
import { ZERO_USAGE, type Usage } from '../../src/model/types.ts';
import { SessionBudget } from '../../src/session/budget.ts';
import type { BudgetLimits } from '../../src/session/budget-limits.ts';

function usage(input: number, output = 0, cacheWrite = 0, cacheRead = 0): Usage {
  return { inputTokens: input, outputTokens: output, cacheWriteTokens: cacheWrite, cacheReadTokens: cacheRead };
}

function makeBudget(limits: BudgetLimits, options: { spent?: { usage: Usage; costUsd: number | null }; modelPriced?: boolean } = {}) {
  const events: WardEvent[] = [];
  let clock = 1_000;
  const budget = new SessionBudget({
    limits,
    emit: (event: EventInput) => events.push(eventSchema.parse({ ...event, ts: 0 })),
    spent: options.spent ?? { usage: ZERO_USAGE, costUsd: 0 },
    modelPriced: options.modelPriced ?? true,
    now: () => clock,
  });
  return { budget, events, advance: (ms: number) => (clock += ms), of: (type: string) => events.filter((event) => event.type === type) };
}

test('tokens count input, output, cache writes and cache reads; 80% warns once; the limit stops the next model request', () => {
  const { budget, of } = makeBudget({ tokens: { max: 1000, source: '--max-tokens' } });
  assert.equal(budget.beforeModelRequest(), null);
  budget.recordTurn(usage(300, 100, 100, 200), 0);
  assert.equal(budget.used('tokens'), 700);
  assert.equal(of('budget_warning').length, 0);
  // recordTurn takes the session's totals so far.
  budget.recordTurn(usage(400, 100, 100, 200), 0);
  assert.equal(of('budget_warning').length, 1);
  assert.match((of('budget_warning')[0] as { message: string }).message, /80% of the token budget used: 800 tokens of 1,000 tokens this session \(--max-tokens\)/);
  // Tool calls the turn asked for still run: tokens are spent by requests only.
  assert.equal(budget.beforeToolCall(), null);
  budget.recordTurn(usage(500, 150, 100, 300), 0);
  assert.equal(of('budget_warning').length, 1, 'warned once per limit');
  const stop = budget.beforeModelRequest();
  assert.equal(stop?.reason, 'budget');
  assert.equal(stop?.key, 'tokens');
  assert.match(stop?.message ?? '', /stopped at the token budget: 1,050 tokens used of 1,000 tokens this session \(--max-tokens\)/);
  assert.match(stop?.message ?? '', /ward -p --continue --max-tokens 2100/);
  // Asked again, the same stop, recorded once.
  assert.equal(budget.beforeModelRequest(), stop);
  assert.equal(budget.beforeToolCall(), stop);
  const exceeded = of('budget_exceeded');
  assert.equal(exceeded.length, 1);
  assert.deepEqual(
    (({ limit, scope, used, max }) => ({ limit, scope, used, max }))(exceeded[0] as Extract<WardEvent, { type: 'budget_exceeded' }>),
    { limit: 'tokens', scope: 'session', used: 1050, max: 1000 },
  );
});

test('a resumed session counts from its totals so far: over the limit, it stops before the first request', () => {
  const { budget, of } = makeBudget({ cost: { max: 0.5, source: '--max-cost' } }, { spent: { usage: usage(10), costUsd: 0.6 } });
  budget.announce();
  assert.equal(of('budget_warning').length, 1, 'already past 80% at the start');
  const stop = budget.beforeModelRequest();
  assert.match(stop?.message ?? '', /stopped at the cost budget: \$0\.6000 used of \$0\.5000 this session \(--max-cost\)/);
  assert.match(stop?.message ?? '', /--continue --max-cost 1\.2/);

  const raised = makeBudget({ cost: { max: 2, source: '--max-cost' } }, { spent: { usage: usage(10), costUsd: 0.6 } });
  raised.budget.announce();
  assert.equal(raised.budget.beforeModelRequest(), null);
  assert.equal(raised.of('budget_warning').length, 0);
});

test('tool calls are counted per run and stop before the call that would pass the limit', () => {
  const { budget, of } = makeBudget({ tool_calls: { max: 2, source: '--max-tool-calls' } });
  assert.equal(budget.beforeToolCall(), null);
  budget.recordToolCall();
  assert.equal(of('budget_warning').length, 0);
  assert.equal(budget.beforeToolCall(), null);
  budget.recordToolCall();
  assert.equal(of('budget_warning').length, 1);
  // Model requests are not what this limit counts.
  assert.equal(budget.beforeModelRequest(), null);
  const stop = budget.beforeToolCall();
  assert.equal(stop?.reason, 'budget');
  assert.match(stop?.message ?? '', /stopped before tool call 3: 2 tool calls used of 2 tool calls this run \(--max-tool-calls\)/);
  assert.match(stop?.message ?? '', /ward -p --continue/);
  assert.match(stop?.notRun ?? '', /^Not run: .*tool-call budget/);
});

test('the turn limit keeps its reason (max_turns, exit 3) and its wording', () => {
  const { budget, of } = makeBudget({ turns: { max: 2, source: '--max-turns' } });
  budget.recordTurn(usage(1), 0);
  assert.equal(budget.beforeModelRequest(), null);
  budget.recordTurn(usage(1), 0);
  const stop = budget.beforeModelRequest();
  assert.equal(stop?.reason, 'max_turns');
  assert.equal(stop?.message, 'stopped after 2 turns (--max-turns); resume with --continue to go on');
  assert.equal(of('budget_exceeded').length, 1);
});

test('wall time is checked before model requests and tool calls, never measured in between', () => {
  const { budget, of, advance } = makeBudget({ duration: { max: 60, source: '--max-duration' } });
  advance(30_000);
  assert.equal(budget.beforeToolCall(), null);
  assert.equal(of('budget_warning').length, 0);
  advance(20_000);
  assert.equal(budget.beforeModelRequest(), null);
  assert.match((of('budget_warning')[0] as { message: string }).message, /83% of the time budget used: 50s of 1m this run/);
  advance(15_000);
  const stop = budget.beforeToolCall();
  assert.equal(stop?.key, 'duration');
  assert.match(stop?.message ?? '', /stopped at the time budget: 1m 5s used of 1m this run \(--max-duration\)/);
});

test('a cost limit on a model without a price is announced as unenforceable, and never stops the session', () => {
  const { budget, of } = makeBudget({ cost: { max: 0.01, source: '--max-cost' } }, { modelPriced: false, spent: { usage: ZERO_USAGE, costUsd: null } });
  budget.announce();
  const warnings = of('warning') as { message: string }[];
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]?.message ?? '', /--max-cost is set but this model has no known price.*only token limits apply/);
  budget.recordTurn(usage(1_000_000, 1_000_000), null);
  assert.equal(budget.beforeModelRequest(), null);
});

test('a managed ceiling is named in the stop message instead of a raise it would refuse', () => {
  const { budget } = makeBudget({ cost: { max: 1, source: 'managed settings /etc/ward/managed-settings.json', ceiling: 1 } }, { spent: { usage: ZERO_USAGE, costUsd: 1.2 } });
  const stop = budget.beforeModelRequest();
  assert.match(stop?.message ?? '', /ceiling of \$1\.00 is set by managed settings and cannot be raised here/);
  const capped = makeBudget({ cost: { max: 1, source: '--max-cost', ceiling: 1.5 } }, { spent: { usage: ZERO_USAGE, costUsd: 1.1 } });
  assert.match(capped.budget.beforeModelRequest()?.message ?? '', /--max-cost 1\.5$/);
});

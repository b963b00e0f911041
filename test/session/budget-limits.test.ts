/**
 * Budget limits as written (flags, settings files) and as combined: flags win below managed
 * settings, files can only narrow, managed settings are ceilings nothing can raise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/cli/args.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { PolicyConfigError, resolveEffectivePolicy, type PolicyInputs } from '../../src/policy/effective.ts';
import { SettingsError } from '../../src/policy/settings/load.ts';
import { BudgetConfigError, parseBudgetFlag, resolveBudgetLimits } from '../../src/session/budget-limits.ts';
import { BUILTIN_TOOL_NAMES } from '../../src/tools/tool-names.ts';

test('flag values: durations in s, m, h or plain seconds; dollars; whole counts', () => {
  assert.equal(parseBudgetFlag('duration', '90s'), 90);
  assert.equal(parseBudgetFlag('duration', '15m'), 900);
  assert.equal(parseBudgetFlag('duration', '2h'), 7200);
  assert.equal(parseBudgetFlag('duration', '45'), 45);
  assert.equal(parseBudgetFlag('duration', '1.5h'), 5400);
  assert.equal(parseBudgetFlag('cost', '2'), 2);
  assert.equal(parseBudgetFlag('cost', '0.50'), 0.5);
  assert.equal(parseBudgetFlag('cost', '$1.25'), 1.25);
  assert.equal(parseBudgetFlag('tokens', '200000'), 200_000);
  assert.equal(parseBudgetFlag('turns', '3'), 3);
  assert.equal(parseBudgetFlag('tool_calls', '12'), 12);
});

test('bad flag values are refused with the flag, the value and what a good one looks like', () => {
  const cases: [Parameters<typeof parseBudgetFlag>[0], string, RegExp][] = [
    ['cost', '-1', /--max-cost must be an amount of US dollars above zero.*"-1"/],
    ['cost', '0', /--max-cost .*above zero/],
    ['cost', 'Infinity', /--max-cost .*"Infinity"/],
    ['cost', 'NaN', /--max-cost/],
    ['cost', '0x10', /--max-cost/],
    ['cost', '', /--max-cost/],
    ['tokens', '1.5', /--max-tokens must be a whole number of at least 1, not "1.5"/],
    ['tokens', '0', /--max-tokens must be a whole number/],
    ['tokens', '1e6', /--max-tokens/],
    ['turns', '-2', /--max-turns must be a whole number/],
    ['tool_calls', 'many', /--max-tool-calls must be a whole number/],
    ['duration', '5x', /--max-duration must be a duration above zero like 90s, 15m, 2h/],
    ['duration', '0s', /--max-duration/],
    ['duration', '-5m', /--max-duration/],
    ['duration', 'm', /--max-duration/],
  ];
  for (const [key, text, message] of cases) {
    assert.throws(() => parseBudgetFlag(key, text), (error: unknown) => error instanceof BudgetConfigError && message.test(error.message), `${key} ${text}`);
  }
});

test('the command line reads every budget flag, and a bad one is a usage error', () => {
  const args = parseCommandLine(['-p', 'x', '--max-cost', '2', '--max-tokens', '5000', '--max-turns', '7', '--max-duration', '15m', '--max-tool-calls', '9']);
  assert.equal(args.command, 'run');
  assert.deepEqual(args.command === 'run' ? args.budgets : null, { cost: 2, tokens: 5000, turns: 7, duration: 900, tool_calls: 9 });
  const none = parseCommandLine(['-p', 'x']);
  assert.deepEqual(none.command === 'run' ? none.budgets : null, {});
  assert.throws(() => parseCommandLine(['-p', 'x', '--max-duration', 'soon']), (error: unknown) => error instanceof UsageError && /--max-duration/.test(error.message));
});

test('below managed settings a flag wins, else the tightest settings file, else the default', () => {
  const files = [
    { values: { cost: 5, tokens: 100_000 }, source: 'project settings p.json' },
    { values: { cost: 3, tool_calls: 40 }, source: 'user settings u.json' },
  ];
  const limits = resolveBudgetLimits({ managed: null, files, flags: { cost: 10 } });
  assert.deepEqual(limits.cost, { max: 10, source: '--max-cost' });
  assert.deepEqual(limits.tokens, { max: 100_000, source: 'project settings p.json' });
  assert.deepEqual(limits.tool_calls, { max: 40, source: 'user settings u.json' });
  assert.deepEqual(limits.turns, { max: 100, source: 'the default --max-turns' });
  assert.equal(limits.duration, undefined);
  // Without the flag, the user's tighter cost limit beats the project's looser one.
  assert.deepEqual(resolveBudgetLimits({ managed: null, files, flags: {} }).cost, { max: 3, source: 'user settings u.json' });
});

test('managed settings are ceilings: files are lowered to them, a flag above one is refused naming both numbers', () => {
  const managed = { values: { cost: 2, turns: 50, duration: 600 }, source: '/etc/ward/managed-settings.json' };
  const limits = resolveBudgetLimits({ managed, files: [{ values: { cost: 8 }, source: 'user settings u.json' }], flags: { duration: 300 } });
  assert.deepEqual(limits.cost, { max: 2, source: 'managed settings /etc/ward/managed-settings.json', ceiling: 2 });
  // The default of 100 turns is above the ceiling too.
  assert.equal(limits.turns?.max, 50);
  // A flag under the ceiling applies as given.
  assert.deepEqual(limits.duration, { max: 300, source: '--max-duration', ceiling: 600 });

  assert.throws(
    () => resolveBudgetLimits({ managed, files: [], flags: { cost: 5 } }),
    (error: unknown) => error instanceof BudgetConfigError && /--max-cost 5 is above the ceiling of 2 set by managed settings \(\/etc\/ward\/managed-settings\.json\)/.test(error.message),
  );
  assert.throws(
    () => resolveBudgetLimits({ managed, files: [], flags: { duration: 3600 } }),
    (error: unknown) => error instanceof BudgetConfigError && /--max-duration 3600s is above the ceiling of 600s/.test(error.message),
  );
  // Exactly at the ceiling is allowed.
  assert.equal(resolveBudgetLimits({ managed, files: [], flags: { cost: 2 } }).cost?.max, 2);
});

function withSettings(run: (paths: { managed: string; user: string; project: string; inputs: (budgets?: PolicyInputs['cli']['budgets']) => PolicyInputs }) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'ward-budgets-'));
  const projectRoot = join(root, 'project');
  const wardHome = join(root, 'home');
  mkdirSync(join(projectRoot, '.ward'), { recursive: true });
  mkdirSync(wardHome);
  const managed = join(root, 'managed-settings.json');
  try {
    run({
      managed,
      user: join(wardHome, 'settings.json'),
      project: join(projectRoot, '.ward', 'settings.json'),
      inputs: (budgets) => ({
        projectRoot,
        wardHome,
        knownTools: new Set<string>(BUILTIN_TOOL_NAMES),
        cli: { mode: undefined, allowedTools: [], disallowedTools: [], ...(budgets === undefined ? {} : { budgets }) },
        trustProject: false,
        managedSettingsPath: managed,
      }),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('settings layers: managed ceilings hold against every file and flag; an untrusted project can still narrow', () => {
  withSettings(({ managed, user, project, inputs }) => {
    writeFileSync(managed, JSON.stringify({ budgets: { maxCostUsd: 1.5, maxToolCalls: 20 } }));
    writeFileSync(user, JSON.stringify({ budgets: { maxCostUsd: 4, maxTokens: 300_000 } }));
    writeFileSync(project, JSON.stringify({ budgets: { maxTokens: 50_000, maxDurationSeconds: 900 } }));
    const policy = resolveEffectivePolicy(inputs());
    assert.equal(policy.budgets.cost?.max, 1.5);
    assert.match(policy.budgets.cost?.source ?? '', /^managed settings /);
    assert.equal(policy.budgets.tokens?.max, 50_000);
    assert.match(policy.budgets.tokens?.source ?? '', /^project settings .*settings\.json$/);
    assert.equal(policy.budgets.duration?.max, 900);
    assert.equal(policy.budgets.tool_calls?.max, 20);
    assert.equal(policy.untrusted, null, 'budgets never widen, so they need no trust');

    assert.equal(resolveEffectivePolicy(inputs({ cost: 1, tool_calls: 5 })).budgets.cost?.max, 1);
    assert.throws(
      () => resolveEffectivePolicy(inputs({ tool_calls: 25 })),
      (error: unknown) => error instanceof PolicyConfigError && /--max-tool-calls 25 is above the ceiling of 20/.test(error.message),
    );
  });
});

test('invalid budget settings stop ward with the file and the field named', () => {
  const bad: [unknown, RegExp][] = [
    [{ budgets: { maxCostUsd: -1 } }, /budgets\.maxCostUsd: must be above zero/],
    [{ budgets: { maxCostUsd: 0 } }, /budgets\.maxCostUsd/],
    [{ budgets: { maxTokens: 1.5 } }, /budgets\.maxTokens: must be a whole number/],
    [{ budgets: { maxTurns: 0 } }, /budgets\.maxTurns: must be at least 1/],
    [{ budgets: { maxDurationSeconds: '15m' } }, /budgets\.maxDurationSeconds/],
    [{ budgets: { maxToolCall: 3 } }, /budgets.*maxToolCall/],
  ];
  for (const [content, message] of bad) {
    withSettings(({ user, inputs }) => {
      writeFileSync(user, JSON.stringify(content));
      assert.throws(() => resolveEffectivePolicy(inputs()), (error: unknown) => error instanceof SettingsError && error.message.includes(user) && message.test(error.message), JSON.stringify(content));
    });
  }
});

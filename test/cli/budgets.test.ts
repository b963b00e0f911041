/**
 * Budgets through the whole CLI: the 80% warning in the text trace and in stream-json, a stop
 * with exit 4 and a message naming the limit, the amount used and how to go on, and
 * `--continue` with a raised limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.ts';
import type { Script, ScriptedToolCall } from '../support/script.ts';
import { makeWorkspace, parseJsonLines, runWard, type WardRun, type Workspace } from '../support/run-ward.ts';

const exact = (inputTokens: number, outputTokens = 0) => ({ inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 });

function appending(line: string): ScriptedToolCall {
  return { name: 'bash', input: { command: `echo ${line} >> log.txt` } };
}

function logLines(ws: Workspace): string[] {
  const path = join(ws.project, 'log.txt');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => line !== '') : [];
}

async function withSession(script: Script, run: (ws: Workspace, server: ScriptedServer, ward: (args: readonly string[]) => Promise<WardRun>) => Promise<void>): Promise<void> {
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
  try {
    await run(ws, server, (args) => runWard([...args, '--permission-mode', 'bypass'], { cwd: ws.project, env }));
  } finally {
    await server.close();
    ws.cleanup();
  }
}

test('--max-tokens: a warning at 80% in the text trace, then exit 4 with the limit, the amount and how to continue', async () => {
  const script: Script = {
    turns: [
      { toolCalls: [appending('one')], usage: exact(800, 50) },
      { toolCalls: [appending('two')], usage: exact(180, 20) },
      { text: 'Finished with more tokens.', usage: exact(100) },
    ],
  };
  await withSession(script, async (ws, server, ward) => {
    const run = await ward(['-p', 'log twice', '--max-tokens', '1000']);
    assert.equal(run.code, 4, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /warning: 85% of the token budget used: 850 tokens of 1,000 tokens this session \(--max-tokens\)/);
    assert.match(
      run.stderr,
      /ward: stopped at the token budget: 1,050 tokens used of 1,000 tokens this session \(--max-tokens\)\. Everything is saved; continue with a higher limit: ward -p --continue --max-tokens 2100/,
    );
    assert.equal(server.requests.length, 2);
    assert.deepEqual(logLines(ws), ['one', 'two']);

    const resumed = await ward(['-p', '--continue', '--max-tokens', '2100']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'Finished with more tokens.');
    assert.deepEqual(logLines(ws), ['one', 'two']);
    assert.deepEqual(server.violations, []);
  });
});

test('--max-cost on a priced model: budget events in stream-json, exit 4, and --continue --max-cost 2 goes on', async () => {
  // claude-sonnet-4-5: $3 per million input tokens.
  const script: Script = {
    turns: [
      { toolCalls: [appending('one')], usage: exact(150_000) },
      { toolCalls: [appending('two')], usage: exact(100_000) },
      { text: 'Finished within two dollars.', usage: exact(1_000) },
    ],
  };
  await withSession(script, async (ws, server, ward) => {
    const run = await ward(['-p', 'log', '--model', 'claude-sonnet-4-5', '--max-cost', '0.50', '--output-format', 'stream-json']);
    assert.equal(run.code, 4, run.stderr);
    const events = parseJsonLines(run.stdout);
    const warning = events.find((event) => event.type === 'budget_warning');
    assert.deepEqual(warning === undefined ? null : [warning.limit, warning.scope, warning.max, warning.source], ['cost', 'session', 0.5, '--max-cost']);
    assert.ok(Math.abs(Number(warning?.used) - 0.45) < 1e-9);
    assert.match(String(warning?.message), /90% of the cost budget used: \$0\.4500 of \$0\.5000 this session/);
    const exceeded = events.filter((event) => event.type === 'budget_exceeded');
    assert.equal(exceeded.length, 1);
    assert.equal(exceeded[0]?.limit, 'cost');
    const ended = events.find((event) => event.type === 'session_ended');
    assert.deepEqual([ended?.reason, ended?.exitCode], ['budget', 4]);
    const result = events.at(-1);
    assert.deepEqual([result?.type, result?.subtype, result?.is_error, result?.exit_code], ['result', 'error_budget', true, 4]);
    assert.match(String(result?.result), /stopped at the cost budget: \$0\.7500 used of \$0\.5000 this session \(--max-cost\).*--continue --max-cost 1\.5/);
    assert.equal(server.requests.length, 2);

    const resumed = await ward(['-p', '--continue', '--model', 'claude-sonnet-4-5', '--max-cost', '2']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'Finished within two dollars.');
    assert.deepEqual(logLines(ws), ['one', 'two']);
    assert.deepEqual(server.violations, []);
  });
});

test('--max-tool-calls stops before the next call, even one the model already asked for', async () => {
  const script: Script = {
    turns: [{ toolCalls: [appending('one')] }, { toolCalls: [appending('two')] }, { toolCalls: [appending('three')] }, { text: 'never reached' }],
  };
  await withSession(script, async (ws, server, ward) => {
    const run = await ward(['-p', 'log thrice', '--max-tool-calls', '2']);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /warning: 100% of the tool-call budget used: 2 tool calls of 2 tool calls this run \(--max-tool-calls\)/);
    assert.match(run.stderr, /ward: stopped before tool call 3: 2 tool calls used of 2 tool calls this run \(--max-tool-calls\)\. Everything is saved; continue with a new run: ward -p --continue/);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(logLines(ws), ['one', 'two']);
  });
});

test('budgets from settings apply, name their file, and a flag overrides them for the run', async () => {
  const script: Script = {
    // The third turn is the model asking again for the call it was told did not run.
    turns: [{ toolCalls: [appending('one')] }, { toolCalls: [appending('two')] }, { toolCalls: [appending('two')] }, { text: 'Logged both.' }],
  };
  await withSession(script, async (ws, _server, ward) => {
    mkdirSync(ws.home, { recursive: true });
    writeFileSync(join(ws.home, 'settings.json'), JSON.stringify({ budgets: { maxToolCalls: 1 } }));
    const run = await ward(['-p', 'log twice']);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /stopped before tool call 2: .*\(user settings .*settings\.json\)/);
    assert.deepEqual(logLines(ws), ['one']);

    const resumed = await ward(['-p', '--continue', '--max-tool-calls', '5']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'Logged both.');
    assert.deepEqual(logLines(ws), ['one', 'two']);
  });
});

test('--max-cost on a model without a known price says at the start that only token limits apply', async () => {
  await withSession({ turns: [{ text: 'Hello.' }] }, async (_ws, _server, ward) => {
    const run = await ward(['-p', 'hi', '--model', 'scripted-model', '--max-cost', '1']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'Hello.');
    assert.match(run.stderr, /warning: --max-cost is set but this model has no known price, so the session's cost is unknown and the cost budget cannot be checked: only token limits apply/);
  });
});

test('bad budget flags are usage errors (exit 2) that name the flag and the value', async () => {
  const ws = makeWorkspace(null);
  try {
    const cases: [string[], RegExp][] = [
      [['--max-cost=-1'], /--max-cost must be an amount of US dollars above zero, like 2 or 0\.50, not "-1"/],
      [['--max-tokens', '1.5'], /--max-tokens must be a whole number of at least 1, not "1\.5"/],
      [['--max-duration', '5x'], /--max-duration must be a duration above zero like 90s, 15m, 2h or a number of seconds, not "5x"/],
      [['--max-tool-calls', '0'], /--max-tool-calls must be a whole number of at least 1, not "0"/],
    ];
    for (const [flags, message] of cases) {
      const run = await runWard(['-p', 'x', ...flags], { cwd: ws.project, env: { WARD_HOME: ws.home } });
      assert.equal(run.code, 2, flags.join(' '));
      assert.match(run.stderr, message);
    }
  } finally {
    ws.cleanup();
  }
});

test('--max-duration never cuts a running command: it finishes, and the run stops before the next request', async () => {
  const script: Script = { turns: [{ toolCalls: [{ name: 'bash', input: { command: 'sleep 1.5 && echo slept >> log.txt' } }] }, { text: 'never reached' }] };
  await withSession(script, async (ws, server, ward) => {
    const run = await ward(['-p', 'wait', '--max-duration', '1s']);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /ward: stopped at the time budget: .* used of 1s this run \(--max-duration\)\. Everything is saved; continue with a new run: ward -p --continue/);
    assert.deepEqual(logLines(ws), ['slept']);
    assert.equal(server.requests.length, 1);
  });
});

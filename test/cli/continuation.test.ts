/**
 * Safe continuation, end to end: a failure injected at each step of a turn ends the session
 * in a resumable state with the failure recorded, and `--continue` completes the task without
 * running any completed tool call again. Side effects are counted as lines a bash call
 * appends to a file; the scripted server checks every request's tool-call pairing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { WardEvent } from '../../src/events/schema.ts';
import { loadTranscript } from '../../src/session/transcript-reader.ts';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.ts';
import type { Script, ScriptedToolCall } from '../support/script.ts';
import { makeWorkspace, onlyTranscript, runWard, startWard, type Workspace } from '../support/run-ward.ts';

function appending(id: string, line: string, then = ''): ScriptedToolCall {
  return { id, name: 'bash', input: { command: `echo ${line} >> count.txt && echo wrote-${line}${then}` } };
}

/** How many times each line was appended to count.txt. */
function sideEffects(project: string): Record<string, number> {
  const path = join(project, 'count.txt');
  const counts: Record<string, number> = {};
  if (!existsSync(path)) return counts;
  for (const line of readFileSync(path, 'utf8').split('\n')) if (line !== '') counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

/** Every event of the transcript, each validated by the reader resume uses. */
function transcript(ws: Workspace): WardEvent[] {
  const loaded = loadTranscript(onlyTranscript(ws.home));
  assert.deepEqual(loaded.warnings, []);
  return loaded.events;
}

/** The tool results a request carried, by tool-call id (Anthropic wire format). */
function toolResults(server: ScriptedServer, requestIndex: number): Map<string, string> {
  const body = server.requests[requestIndex]?.body as { messages?: { role: string; content: unknown }[] } | undefined;
  const results = new Map<string, string>();
  for (const message of body?.messages ?? []) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as { type?: string; tool_use_id?: string; content?: unknown }[]) {
      if (block.type === 'tool_result' && block.tool_use_id !== undefined) results.set(block.tool_use_id, JSON.stringify(block.content));
    }
  }
  return results;
}

async function withSession(script: Script, run: (ws: Workspace, server: ScriptedServer, ward: (args: readonly string[]) => ReturnType<typeof runWard>, env: Record<string, string>) => Promise<void>): Promise<void> {
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
  try {
    await run(ws, server, (args) => runWard([...args, '--permission-mode', 'bypass'], { cwd: ws.project, env }), env);
  } finally {
    await server.close();
    ws.cleanup();
  }
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (condition()) return;
    await delay(50);
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('1: the model request fails after its retries before any output; --continue finishes without redoing the first call', async () => {
  const down = { kind: 'status' as const, status: 500, retryAfterSeconds: 0 };
  const script: Script = {
    turns: [{ toolCalls: [appending('toolu_a', 'a')] }, { text: 'Done after the outage.', faults: [down, down, down, down, down] }],
  };
  await withSession(script, async (ws, server, ward) => {
    const first = await ward(['-p', 'count']);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /500/);
    assert.match(first.stderr, /--continue/);
    assert.deepEqual(sideEffects(ws.project), { a: 1 });
    const events = transcript(ws);
    assert.ok(events.some((event) => event.type === 'error' && event.fatal));
    assert.deepEqual(events.filter((event) => event.type === 'session_ended').map((event) => event.reason), ['error']);

    const resumed = await ward(['-p', '--continue']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'Done after the outage.');
    assert.deepEqual(sideEffects(ws.project), { a: 1 });
    assert.match(toolResults(server, server.requests.length - 1).get('toolu_a') ?? '', /wrote-a[\s\S]*Exit code: 0/);
    assert.deepEqual(server.violations, []);
  });
});

test('2: every attempt of a turn is cut after a tool call was announced; the call never runs until the turn completes on resume', async () => {
  const cut = { kind: 'reset_mid_stream' as const, afterEvents: 5 };
  const script: Script = {
    turns: [
      { toolCalls: [appending('toolu_a', 'a')] },
      { toolCalls: [appending('toolu_b', 'b')], faults: [cut, cut, cut, cut, cut] },
      { text: 'Done after the cut streams.' },
    ],
  };
  await withSession(script, async (ws, server, ward) => {
    const first = await ward(['-p', 'count']);
    assert.equal(first.code, 1, first.stderr);
    assert.equal(server.requests.length, 6);
    assert.deepEqual(sideEffects(ws.project), { a: 1 });
    const events = transcript(ws);
    // The half-streamed turn left nothing behind: no assistant message, no proposal.
    assert.ok(!JSON.stringify(events).includes('toolu_b'));
    assert.equal(events.at(-1)?.type, 'session_ended');

    const resumed = await ward(['-p', '--continue']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'Done after the cut streams.');
    assert.deepEqual(sideEffects(ws.project), { a: 1, b: 1 });
    assert.deepEqual(server.violations, []);
  });
});

test('3: ward is killed (kill -9) while a command runs; the resume reports it interrupted and redoes nothing', async () => {
  const marker = '64.4242';
  const script: Script = {
    turns: [
      { toolCalls: [appending('toolu_a', 'a')] },
      { toolCalls: [{ id: 'toolu_long', name: 'bash', input: { command: `echo long >> count.txt; sleep ${marker}` } }] },
      { text: 'Done after the crash.' },
    ],
  };
  await withSession(script, async (ws, server, ward, env) => {
    const { child, done } = startWard(['-p', 'count', '--permission-mode', 'bypass'], { cwd: ws.project, env });
    try {
      let exited = false;
      void done.then(() => (exited = true));
      await waitFor(() => sideEffects(ws.project).long === 1 || exited, 'the long command to start');
      assert.equal(exited, false, 'ward ended before the long command started');
      child.kill('SIGKILL');
      assert.equal((await done).signal, 'SIGKILL');
      const events = transcript(ws);
      assert.equal(events.at(-1)?.type, 'tool_started');
      assert.ok(!events.some((event) => event.type === 'session_ended'));

      const resumed = await ward(['-p', '--continue']);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(resumed.stdout.trim(), 'Done after the crash.');
      assert.deepEqual(sideEffects(ws.project), { a: 1, long: 1 });
      const results = toolResults(server, server.requests.length - 1);
      assert.match(results.get('toolu_a') ?? '', /wrote-a/);
      assert.match(results.get('toolu_long') ?? '', /Interrupted: ward stopped while bash was running/);
      assert.deepEqual(server.violations, []);
    } finally {
      killLeftovers(marker);
    }
  });
});

test('4: a token budget reached by a turn lets its tool call finish, stops before the next request, and resumes with a raised limit', async () => {
  const exact = (input: number) => ({ inputTokens: input, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 });
  const script: Script = {
    turns: [
      { toolCalls: [appending('toolu_a', 'a')], usage: exact(1500) },
      { text: 'Done within the raised budget.', usage: exact(100) },
    ],
  };
  await withSession(script, async (ws, server, ward) => {
    const first = await ward(['-p', 'count', '--max-tokens', '1000']);
    assert.equal(first.code, 4, first.stderr);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(sideEffects(ws.project), { a: 1 });
    const events = transcript(ws);
    const exceeded = events.find((event) => event.type === 'budget_exceeded');
    assert.deepEqual(exceeded === undefined ? null : [exceeded.limit, exceeded.used, exceeded.max], ['tokens', 1520, 1000]);
    const ended = events.at(-1);
    assert.deepEqual(ended?.type === 'session_ended' ? [ended.reason, ended.exitCode] : null, ['budget', 4]);

    // The same limit again: stopped before any request, nothing run.
    const again = await ward(['-p', '--continue', '--max-tokens', '1000']);
    assert.equal(again.code, 4, again.stderr);
    assert.equal(server.requests.length, 1);

    const resumed = await ward(['-p', '--continue', '--max-tokens', '5000']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'Done within the raised budget.');
    assert.deepEqual(sideEffects(ws.project), { a: 1 });
    assert.match(toolResults(server, 1).get('toolu_a') ?? '', /wrote-a[\s\S]*Exit code: 0/);
    assert.deepEqual(server.violations, []);
  });
});

test('5: a budget reached between two calls of one turn runs the first, not the second; the resume sends the real result and "not run"', async () => {
  const script: Script = {
    turns: [
      { toolCalls: [appending('toolu_first', 'first'), appending('toolu_second', 'second')] },
      // The model, told the second call did not run, asks for it again.
      { toolCalls: [appending('toolu_again', 'second')] },
      { text: 'Both lines written.' },
    ],
  };
  await withSession(script, async (ws, server, ward) => {
    const first = await ward(['-p', 'write both', '--max-tool-calls', '1']);
    assert.equal(first.code, 4, first.stderr);
    assert.match(first.stderr, /stopped before tool call 2: 1 tool call used of 1 tool call this run \(--max-tool-calls\)/);
    assert.deepEqual(sideEffects(ws.project), { first: 1 });
    const events = transcript(ws);
    assert.deepEqual(events.filter((event) => event.type === 'tool_started').map((event) => event.callId), ['toolu_first']);

    const resumed = await ward(['-p', '--continue']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'Both lines written.');
    const results = toolResults(server, 1);
    assert.match(results.get('toolu_first') ?? '', /wrote-first[\s\S]*Exit code: 0/);
    assert.match(results.get('toolu_second') ?? '', /Not run/);
    assert.deepEqual(sideEffects(ws.project), { first: 1, second: 1 });
    assert.deepEqual(server.violations, []);
  });
});

/** Stops what a killed ward may have left running (without a sandbox, nothing else would). */
function killLeftovers(marker: string): void {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * Crash safety and resume, end to end: a session stopped at any point (turn limit, SIGTERM,
 * kill -9) resumes from its transcript without redoing a completed tool call.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startScriptedServer } from '../support/scripted-server.ts';
import type { Script } from '../support/script.ts';
import { makeWorkspace, onlyTranscript, runWard, startWard } from '../support/run-ward.ts';

const COUNTING_CALL = { name: 'bash', input: { command: 'echo ran >> count.txt' } };

function countRuns(project: string): number {
  const path = join(project, 'count.txt');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => line === 'ran').length : 0;
}

/** How many processes on this machine have `marker` in their command line (any namespace). */
function processesRunning(marker: string): number {
  let count = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (cmdline.includes(marker) && state !== 'Z') count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (condition()) return;
    await delay(50);
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('a run stopped by --max-turns exits 3 and --continue finishes it without re-running the tool call', async () => {
  const script: Script = { turns: [{ toolCalls: [COUNTING_CALL] }, { text: 'Counted once.' }] };
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
  try {
    const first = await runWard(['-p', 'count', '--permission-mode', 'bypass', '--max-turns', '1'], { cwd: ws.project, env });
    assert.equal(first.code, 3, first.stderr);
    assert.match(first.stderr, /--max-turns/);
    assert.equal(countRuns(ws.project), 1);

    const second = await runWard(['-p', '--continue', '--permission-mode', 'bypass'], { cwd: ws.project, env });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), 'Counted once.');
    assert.equal(countRuns(ws.project), 1);
    assert.deepEqual(server.violations, []);
    // The resumed request carried the first run's real tool result.
    const body = JSON.stringify(server.requests[1]?.body);
    assert.match(body, /exit code 0|exit 0|Exit code: 0/i);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('after kill -9 mid-turn, the transcript holds every completed event and --continue resumes without redoing work', async () => {
  const script: Script = {
    turns: [
      { toolCalls: [COUNTING_CALL] },
      // The second request hangs; ward is killed while waiting for it.
      { text: 'Finished after the crash.', faults: [{ kind: 'slow_first_byte', delayMs: 120_000 }] },
    ],
  };
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
  try {
    const { child, done } = startWard(['-p', 'count', '--permission-mode', 'bypass'], { cwd: ws.project, env });
    await waitFor(() => server.requests.length >= 2, 'the second model request');
    child.kill('SIGKILL');
    const killed = await done;
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(countRuns(ws.project), 1);

    const lines = readFileSync(onlyTranscript(ws.home), 'utf8').trimEnd().split('\n');
    const types = lines.map((line) => (JSON.parse(line) as { type: string }).type);
    assert.ok(types.includes('tool_finished'), types.join(','));
    assert.equal(types.at(-1), 'model_request');

    const resumed = await runWard(['-p', 'go on', '--continue', '--permission-mode', 'bypass'], { cwd: ws.project, env });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'Finished after the crash.');
    assert.equal(countRuns(ws.project), 1);
    assert.deepEqual(server.violations, []);
    const lastBody = JSON.stringify(server.requests.at(-1)?.body);
    assert.match(lastBody, /go on/);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('SIGTERM stops the running command, records the end of the session and exits 143', async () => {
  const script: Script = { turns: [{ toolCalls: [{ name: 'bash', input: { command: 'sleep 60.1357' } }] }, { text: 'never reached' }] };
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
  try {
    const { child, done } = startWard(['-p', 'wait', '--permission-mode', 'bypass'], { cwd: ws.project, env });
    await waitFor(() => {
      try {
        return readFileSync(onlyTranscript(ws.home), 'utf8').includes('"tool_started"');
      } catch {
        return false;
      }
    }, 'the command to start');
    child.kill('SIGTERM');
    const run = await done;
    assert.equal(run.code, 143, run.stderr);
    const lines = readFileSync(onlyTranscript(ws.home), 'utf8').trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1) ?? '{}') as { type: string; reason: string; exitCode: number };
    assert.equal(last.type, 'session_ended');
    assert.equal(last.reason, 'cancelled');
    assert.equal(last.exitCode, 143);
    assert.equal(server.requests.length, 1);
    await waitFor(() => processesRunning('60.1357') === 0, 'the command to be gone');
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('SIGINT while waiting for the model cancels the request, records the end and exits 130', async () => {
  const script: Script = { turns: [{ text: 'too late', faults: [{ kind: 'slow_first_byte', delayMs: 120_000 }] }] };
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
  try {
    const { child, done } = startWard(['-p', 'wait'], { cwd: ws.project, env });
    await waitFor(() => server.requests.length >= 1, 'the model request');
    child.kill('SIGINT');
    const run = await done;
    assert.equal(run.code, 130, run.stderr);
    const last = JSON.parse(readFileSync(onlyTranscript(ws.home), 'utf8').trimEnd().split('\n').at(-1) ?? '{}') as { type: string; reason: string };
    assert.deepEqual([last.type, last.reason], ['session_ended', 'cancelled']);
    assert.equal(server.requests.length, 1, 'a cancelled request is not retried');
  } finally {
    await server.close();
    ws.cleanup();
  }
});

for (const [signal, exitCode] of [['SIGINT', 130], ['SIGHUP', 129]] as const) {
  test(`regression: a second ${signal} exits at once, and nothing ward started keeps running`, async () => {
    const script: Script = {
      turns: [
        { toolCalls: [{ name: 'bash', input: { command: 'sleep 62.2468', run_in_background: true } }] },
        { toolCalls: [{ name: 'bash', input: { command: "trap '' TERM INT; sleep 63.3579" } }] },
        { text: 'never reached' },
      ],
    };
    const ws = makeWorkspace();
    const server = await startScriptedServer(script);
    const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
    try {
      const { child, done } = startWard(['-p', 'wait', '--permission-mode', 'bypass'], { cwd: ws.project, env });
      await waitFor(() => processesRunning('63.3579') > 0 && processesRunning('62.2468') > 0, 'both commands to start');
      child.kill(signal);
      child.kill(signal);
      const run = await done;
      assert.equal(run.code, exitCode, run.stderr);
      await waitFor(() => processesRunning('62.2468') + processesRunning('63.3579') === 0, 'every command ward started to be gone');
    } finally {
      await server.close();
      ws.cleanup();
    }
  });
}

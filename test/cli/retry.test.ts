/**
 * Provider failures through the whole CLI: retried turns leave no trace of their partial
 * output in the transcript, and a provider that stays down ends the session with a clear,
 * resumable failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startScriptedServer } from '../support/scripted-server.ts';
import type { Script } from '../support/script.ts';
import { makeWorkspace, onlyTranscript, parseJsonLines, runWard } from '../support/run-ward.ts';

test('a turn cut mid-stream, and a 529 before it, are retried whole: nothing is duplicated in the transcript', async () => {
  const script: Script = {
    turns: [
      {
        text: 'Reading the readme once.',
        toolCalls: [{ name: 'read', input: { path: 'README.md' } }],
        faults: [{ kind: 'status', status: 529, retryAfterSeconds: 0 }, { kind: 'reset_mid_stream', afterEvents: 5 }],
      },
      { text: 'Done.', faults: [{ kind: 'truncated_stream' }] },
    ],
  };
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  try {
    const run = await runWard(['-p', 'read it', '--output-format', 'stream-json'], {
      cwd: ws.project,
      env: { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(server.requests.length, 5);
    assert.deepEqual(server.violations, []);

    const events = parseJsonLines(run.stdout);
    const retries = events.filter((event) => event.type === 'retry');
    assert.equal(retries.length, 3);
    assert.match(String(retries[0]?.reason), /529|overloaded/i);
    // One model_request per HTTP attempt, numbered within its turn.
    const attempts = events.filter((event) => event.type === 'model_request').map((event) => `${String(event.turn)}.${String(event.attempt)}`);
    assert.deepEqual(attempts, ['1.1', '1.2', '1.3', '2.1', '2.2']);

    const transcript = readFileSync(onlyTranscript(ws.home), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const assistant = transcript.filter((event) => event.type === 'assistant_message');
    assert.equal(assistant.length, 2);
    assert.equal(transcript.filter((event) => event.type === 'tool_proposed').length, 1);
    assert.equal(transcript.filter((event) => event.type === 'tool_finished').length, 1);
    assert.equal(JSON.stringify(assistant[0]?.content).match(/Reading the readme once\./g)?.length, 1);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('a provider that keeps failing ends the session with exit 1, the status, the attempts and what to do', async () => {
  const down = { kind: 'status' as const, status: 500, retryAfterSeconds: 0 };
  const script: Script = { turns: [{ text: 'never', faults: [down, down, down, down, down] }] };
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  try {
    const run = await runWard(['-p', 'hello', '--output-format', 'json'], {
      cwd: ws.project,
      env: { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home },
    });
    assert.equal(run.code, 1);
    assert.equal(server.requests.length, 5);
    const [result] = parseJsonLines(run.stdout);
    assert.equal(result?.subtype, 'error_during_execution');
    assert.equal(result?.is_error, true);
    assert.match(String(result?.result), /anthropic/i);
    assert.match(String(result?.result), /500/);
    assert.match(String(result?.result), /5 attempts/);
    const transcript = readFileSync(onlyTranscript(ws.home), 'utf8');
    assert.match(transcript, /"type":"error"/);
    assert.match(transcript, /"type":"session_ended","reason":"error"/);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

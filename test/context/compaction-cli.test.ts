/**
 * Context management end to end: the built CLI against the scripted model server. Memory
 * files reach the system prompt, usage is shown against the window, a session whose reported
 * usage passes the threshold compacts, and --continue resumes from the checkpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedServer } from '../support/scripted-server.ts';
import type { Script } from '../support/script.ts';
import { makeWorkspace, onlyTranscript, runWard } from '../support/run-ward.ts';

interface SentBody {
  system?: unknown;
  tools?: unknown[];
  messages?: { role: string; content: unknown }[];
}

const BIG_USAGE = { inputTokens: 130_000, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 10 };

test('past --compact-threshold the conversation is summarised, the next request carries summary and recent turns, and --continue starts from it', async () => {
  const script: Script = {
    turns: [
      { toolCalls: [{ name: 'bash', input: { command: 'echo first-output' } }] },
      { toolCalls: [{ name: 'bash', input: { command: 'echo second-output' } }] },
      { toolCalls: [{ name: 'bash', input: { command: 'echo third-output' } }], usage: BIG_USAGE },
      // The summary request.
      { text: 'SUMMARY-CHECKPOINT: task is counting; ran echo first-output.' },
      { text: 'All done.' },
      // After --continue.
      { text: 'Resumed fine.' },
    ],
  };
  const ws = makeWorkspace();
  writeFileSync(join(ws.project, 'AGENTS.md'), 'MEMORY-RULE: always run the tests.\n');
  const server = await startScriptedServer(script);
  const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
  const flags = ['--permission-mode', 'bypass', '--model', 'claude-sonnet-4-5', '--compact-threshold', '0.6'];
  try {
    const run = await runWard(['-p', 'count things', ...flags], { cwd: ws.project, env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'All done.');
    assert.match(run.stderr, /context 65% of 200000/);
    assert.match(run.stderr, /AGENTS\.md \(35 B\)/);
    assert.equal(server.requests.length, 5);

    const summaryRequest = server.requests[3]?.body as SentBody;
    assert.equal(summaryRequest.tools, undefined);
    const asked = JSON.stringify(summaryRequest.messages);
    assert.match(asked, /Open todos/);
    assert.match(asked, /first-output/);

    const after = server.requests[4]?.body as SentBody;
    const messages = after.messages ?? [];
    assert.match(JSON.stringify(messages[0]), /SUMMARY-CHECKPOINT/);
    assert.doesNotMatch(JSON.stringify(messages), /count things/);
    // The recent turns, verbatim: the second and third calls with their results.
    assert.match(JSON.stringify(messages), /second-output[\s\S]*third-output/);
    assert.equal(messages.length, 5);
    assert.match(JSON.stringify(after.system), /MEMORY-RULE: always run the tests\./);

    const events = readFileSync(onlyTranscript(ws.home), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const compaction = events.find((event) => event.type === 'compaction');
    assert.ok(compaction !== undefined);
    assert.equal(compaction.replacedMessages, 3);
    assert.equal(compaction.tokensBefore, 130_000);
    assert.match(String(compaction.summary), /SUMMARY-CHECKPOINT/);
    const memory = events.find((event) => event.type === 'memory_loaded');
    assert.equal(memory?.totalBytes, 35);

    const resumed = await runWard(['-p', 'go on', '--continue', ...flags], { cwd: ws.project, env });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'Resumed fine.');
    const afterResume = (server.requests[5]?.body as SentBody).messages ?? [];
    assert.match(JSON.stringify(afterResume[0]), /SUMMARY-CHECKPOINT/);
    assert.doesNotMatch(JSON.stringify(afterResume), /count things/);
    assert.match(JSON.stringify(afterResume.at(-1)), /go on/);
    assert.equal(afterResume.length, 7);
    assert.deepEqual(server.violations, []);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('below the threshold nothing is compacted', async () => {
  const script: Script = {
    turns: [{ toolCalls: [{ name: 'bash', input: { command: 'echo a' } }], usage: BIG_USAGE }, { text: 'Done.' }],
  };
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
  try {
    const run = await runWard(['-p', 'go', '--permission-mode', 'bypass', '--model', 'claude-sonnet-4-5'], { cwd: ws.project, env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(server.requests.length, 2);
    assert.doesNotMatch(readFileSync(onlyTranscript(ws.home), 'utf8'), /"compaction"/);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

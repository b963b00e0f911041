/**
 * The context savings a user pays less for, end to end (the built CLI against the scripted
 * model server, which simulates Anthropic's cache including its 20-block lookback):
 *  - old large tool outputs are trimmed in batches long before the threshold, and the request
 *    after a trim reads the part before the trimmed one from the cache;
 *  - an unchanged re-read is answered with a note; a changed or trimmed one in full;
 *  - --continue rebuilds the same trimmed conversation;
 *  - a compaction summary's spending counts against the budget before the next request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedServer } from '../support/scripted-server.ts';
import type { Script } from '../support/script.ts';
import { makeWorkspace, onlyTranscript, runWard } from '../support/run-ward.ts';

interface SentBody {
  messages?: { role: string; content: { type: string; content?: unknown; cache_control?: unknown }[] }[];
}

const FLAGS = ['--permission-mode', 'bypass', '--model', 'claude-sonnet-4-5'];

/** ~8 KB of distinct text per file. */
function writeFiles(project: string, count: number): void {
  mkdirSync(join(project, 'src'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const lines = Array.from({ length: 120 }, (_, line) => `export const value${i}x${line} = ${line} * ${i + 1}; // FILE-${i}-MARK`);
    writeFileSync(join(project, 'src', `f${i}.ts`), `${lines.join('\n')}\n`);
  }
}

function resultsOf(body: SentBody): string[] {
  return (body.messages ?? []).flatMap((message) => message.content.filter((block) => block.type === 'tool_result').map((block) => JSON.stringify(block.content)));
}

function events(home: string): Record<string, unknown>[] {
  return readFileSync(onlyTranscript(home), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('old large outputs are trimmed in batches before any threshold, the unchanged part stays cached, a trimmed file is re-read in full, and --continue rebuilds the same conversation', async () => {
  const read = (i: number) => ({ toolCalls: [{ name: 'read', input: { path: `src/f${i}.ts` } }] });
  const script: Script = { turns: [read(0), read(1), read(2), read(3), read(4), read(5), read(0), { text: 'Done.' }, { text: 'Resumed.' }] };
  const ws = makeWorkspace();
  writeFiles(ws.project, 6);
  mkdirSync(ws.home, { recursive: true });
  // Trim once old outputs add up to ~5,000 tokens (each file is ~2,300).
  writeFileSync(join(ws.home, 'settings.json'), JSON.stringify({ context: { trimBatchTokens: 5_000 } }));
  const server = await startScriptedServer(script);
  const env = { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
  try {
    const run = await runWard(['-p', 'survey', ...FLAGS], { cwd: ws.project, env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'Done.');
    assert.deepEqual(server.violations, []);

    const compactions = events(ws.home).filter((event) => event.type === 'compaction');
    assert.ok(compactions.length >= 1, 'at least one trim');
    for (const compaction of compactions) {
      assert.equal(compaction.summary, '', 'trimming alone, no summary request');
      assert.ok(Number(compaction.trimmedOutputs) >= 2);
      assert.ok(Number(compaction.tokensBefore) < 0.8 * 200_000 * 0.2, 'long before the threshold');
    }

    const bodies = server.requests.map((request) => request.body as SentBody);
    const firstTrimmed = bodies.findIndex((body) => resultsOf(body).some((result) => result.includes('output trimmed')));
    assert.ok(firstTrimmed > 0);
    const trimmedResults = resultsOf(bodies[firstTrimmed]!);
    assert.doesNotMatch(trimmedResults[0]!, /FILE-0-MARK/, 'the oldest read is trimmed');
    assert.match(trimmedResults.at(-1)!, /FILE-\d-MARK/, 'the latest read is whole');
    // The end of the trimmed part is an anchor: a breakpoint beside the usual ones.
    const marked = bodies[firstTrimmed]!.messages!.flatMap((message) => message.content).filter((block) => block.cache_control !== undefined);
    assert.ok(marked.length >= 2);

    // The last read of src/f0.ts comes after its first read was trimmed: it must be whole.
    const lastBody = bodies[7]!;
    assert.match(resultsOf(lastBody).at(-1)!, /FILE-0-MARK/);
    assert.doesNotMatch(resultsOf(lastBody).at(-1)!, /unchanged since you last read/);

    // The request after the trim read the untouched prefix from the cache.
    const usages = events(ws.home).filter((event) => event.type === 'usage').map((event) => event.usage as { cacheReadTokens: number; cacheWriteTokens: number });
    assert.ok(usages[firstTrimmed]!.cacheReadTokens > 0);

    const resumed = await runWard(['-p', 'go on', '--continue', ...FLAGS], { cwd: ws.project, env });
    assert.equal(resumed.code, 0, resumed.stderr);
    const afterResume = resultsOf(server.requests[8]?.body as SentBody);
    assert.deepEqual(afterResume, resultsOf(lastBody), 'the same outputs, trimmed and whole, as before the restart');
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('re-reading an unchanged file costs a line; after an edit the file is sent whole again', async () => {
  const script: Script = {
    turns: [
      { toolCalls: [{ name: 'read', input: { path: 'src/f0.ts' } }] },
      { toolCalls: [{ name: 'read', input: { path: 'src/f0.ts' } }] },
      { toolCalls: [{ name: 'edit', input: { path: 'src/f0.ts', old_string: 'value0x0 = 0', new_string: 'value0x0 = 42' } }] },
      { toolCalls: [{ name: 'read', input: { path: 'src/f0.ts' } }] },
      { text: 'Done.' },
    ],
  };
  const ws = makeWorkspace();
  writeFiles(ws.project, 1);
  const server = await startScriptedServer(script);
  try {
    const run = await runWard(['-p', 'look', ...FLAGS], { cwd: ws.project, env: { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home } });
    assert.equal(run.code, 0, run.stderr);
    const results = resultsOf(server.requests[4]?.body as SentBody);
    assert.match(results[0]!, /FILE-0-MARK/);
    assert.match(results[1]!, /src\/f0\.ts lines 1-120 are unchanged since you last read them/);
    assert.ok(results[1]!.length < 200);
    assert.match(results[3]!, /value0x0 = 42/, 'the edited file is sent whole');
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test("a compaction summary's spending counts against --max-tokens before the next request is sent", async () => {
  const big = { inputTokens: 130_000, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 10 };
  const script: Script = {
    turns: [
      { toolCalls: [{ name: 'bash', input: { command: 'echo one' } }] },
      { toolCalls: [{ name: 'bash', input: { command: 'echo two' } }] },
      { toolCalls: [{ name: 'bash', input: { command: 'echo three' } }], usage: big },
      { text: 'SUMMARY: counted to three.', usage: { inputTokens: 40_000, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 100 } },
      { text: 'never sent' },
    ],
  };
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  try {
    const run = await runWard(['-p', 'count', ...FLAGS, '--compact-threshold', '0.6', '--max-tokens', '165000'], {
      cwd: ws.project,
      env: { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home },
    });
    assert.equal(run.code, 4, run.stderr);
    assert.equal(server.requests.length, 4, 'three turns and the summary; the next turn is not sent');
    assert.match(run.stderr, /token/i);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

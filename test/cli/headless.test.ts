/**
 * ward -p end to end: the built CLI, real tools in a temp project, the scripted model server
 * on loopback speaking the providers' wire formats.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PROMPT, demoScript } from '../../demo/script.ts';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.ts';
import type { Script } from '../support/script.ts';
import { makeWorkspace, onlyTranscript, parseJsonLines, runWard, type Workspace } from '../support/run-ward.ts';

async function withSetup(script: Script, run: (ws: Workspace, server: ScriptedServer) => Promise<void>): Promise<void> {
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  try {
    await run(ws, server);
  } finally {
    await server.close();
    ws.cleanup();
  }
}

function anthropicEnv(ws: Workspace, server: ScriptedServer): Record<string, string> {
  return { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
}

/** The tool results the model was sent in a given request, provider-neutral. */
function toolResultsSent(server: ScriptedServer, requestIndex: number): { content: string; isError: boolean }[] {
  const body = server.requests[requestIndex]?.body as { messages?: { role: string; content: unknown }[] } | undefined;
  const last = body?.messages?.at(-1);
  if (last === undefined || !Array.isArray(last.content)) return [];
  return (last.content as { type: string; content?: unknown; is_error?: boolean }[])
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({
      content: typeof block.content === 'string' ? block.content : JSON.stringify(block.content),
      isError: block.is_error === true,
    }));
}

test('ward -p fixes the sample project: reads, edits, runs the tests, with decisions and usage shown', async () => {
  await withSetup(demoScript, async (ws, server) => {
    const run = await runWard(['-p', DEMO_PROMPT, '--permission-mode', 'accept-edits', '--allowed-tools', 'bash(npm test)'], {
      cwd: ws.project,
      env: anthropicEnv(ws, server),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Fixed: /);
    assert.match(run.stderr, /● bash npm test\n {2}allow: allowed by rule bash\(npm test\)/);
    assert.match(run.stderr, /● edit src\/cart\.js\n {2}allow: accept-edits mode allows edits inside the project/);
    assert.match(run.stderr, /● read package\.json\n {2}allow: reads inside the project are allowed/);
    assert.match(run.stderr, /tokens: \d+ in, \d+ cache read, \d+ cache write, \d+ out/);
    assert.deepEqual(server.violations, []);
    assert.equal(server.remainingTurns(), 0);
    // The model saw the failing run, then the passing one.
    const firstRun = toolResultsSent(server, 2)[0];
    assert.ok(firstRun?.isError === true && /fail 1/.test(firstRun.content), firstRun?.content);
    const secondRun = toolResultsSent(server, 5)[0];
    assert.ok(secondRun?.isError === false && /pass 4/.test(secondRun.content), secondRun?.content);
    // And the project really is fixed.
    const check = spawnSync(process.execPath, ['--test'], { cwd: ws.project, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout);
  });
});

test('the same session runs against an OpenAI-compatible server chosen by OPENAI_BASE_URL', async () => {
  await withSetup(demoScript, async (ws, server) => {
    const run = await runWard(['-p', DEMO_PROMPT, '--permission-mode', 'accept-edits', '--allowed-tools', 'bash(npm test)', '--model', 'qwen3-coder'], {
      cwd: ws.project,
      env: { OPENAI_BASE_URL: server.openaiBaseUrl, WARD_HOME: ws.home },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /openai qwen3-coder/);
    assert.ok(server.requests.every((request) => request.api === 'openai'));
    assert.deepEqual(server.violations, []);
    assert.equal(spawnSync(process.execPath, ['--test'], { cwd: ws.project }).status, 0);
  });
});

test('headless, a call that needs approval is denied and the model is told why and how to allow it', async () => {
  const script: Script = {
    turns: [{ toolCalls: [{ name: 'bash', input: { command: 'touch created-by-bash' } }] }, { text: 'I could not run it.' }],
  };
  await withSetup(script, async (ws, server) => {
    const run = await runWard(['-p', 'make a file'], { cwd: ws.project, env: anthropicEnv(ws, server) });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(existsSync(join(ws.project, 'created-by-bash')), false);
    const [result] = toolResultsSent(server, 1);
    assert.ok(result?.isError);
    assert.match(result.content, /Permission denied: running `touch created-by-bash` needs approval in default mode.*headless.*--allowed-tools "bash\(touch created-by-bash\)"/s);
    assert.match(run.stderr, /ask: running `touch created-by-bash` needs approval/);
    assert.match(run.stderr, /not approved/);
  });
  // Regression: the hint must work. Run again with exactly the rule it suggested.
  await withSetup(script, async (ws, server) => {
    const run = await runWard(['-p', 'make a file', '--allowed-tools', 'bash(touch created-by-bash)'], { cwd: ws.project, env: anthropicEnv(ws, server) });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(existsSync(join(ws.project, 'created-by-bash')), true, run.stderr);
  });
});

test('bad tool arguments go back to the model as tool errors, and the session goes on', async () => {
  const script: Script = {
    turns: [
      {
        toolCalls: [
          { name: 'read', input: { path: 42 } },
          { name: 'read', input: {}, rawArguments: '{"path": "README.md"' },
          { name: 'no_such_tool', input: {} },
        ],
      },
      { text: 'Recovered.' },
    ],
  };
  await withSetup(script, async (ws, server) => {
    const run = await runWard(['-p', 'read something'], { cwd: ws.project, env: anthropicEnv(ws, server) });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'Recovered.');
    const results = toolResultsSent(server, 1);
    assert.equal(results.length, 3);
    assert.match(results[0]?.content ?? '', /Invalid arguments for read:\n- path: /);
    assert.match(results[1]?.content ?? '', /not valid JSON/);
    assert.match(results[2]?.content ?? '', /Unknown tool "no_such_tool"\. Available tools: read, write, edit/);
    assert.ok(results.every((result) => result.isError));
  });
});

test('--output-format json prints one object with the result, session id, turns, usage, cost and duration', async () => {
  await withSetup({ turns: [{ text: 'All done.' }] }, async (ws, server) => {
    const run = await runWard(['-p', 'say done', '--output-format', 'json', '--model', 'claude-sonnet-4-5'], { cwd: ws.project, env: anthropicEnv(ws, server) });
    assert.equal(run.code, 0, run.stderr);
    const lines = parseJsonLines(run.stdout);
    assert.equal(lines.length, 1);
    const result = lines[0] as Record<string, unknown>;
    assert.equal(result.type, 'result');
    assert.equal(result.subtype, 'success');
    assert.equal(result.result, 'All done.');
    assert.equal(result.num_turns, 1);
    assert.match(String(result.session_id), /^\d{8}-\d{6}-[0-9a-f]{6}$/);
    assert.equal(typeof result.duration_ms, 'number');
    assert.equal(typeof result.total_cost_usd, 'number');
    const usage = result.usage as { input_tokens: number; cache_creation_input_tokens: number; output_tokens: number };
    assert.ok(usage.input_tokens + usage.cache_creation_input_tokens > 0 && usage.output_tokens > 0);
    assert.ok(existsSync(join(ws.home, 'projects')));
  });
});

test('--output-format stream-json prints the event stream, one JSON object per line, ending with the result', async () => {
  const script: Script = { turns: [{ text: 'Reading.', toolCalls: [{ name: 'read', input: { path: 'README.md' } }] }, { text: 'It is a sample.' }] };
  await withSetup(script, async (ws, server) => {
    const run = await runWard(['-p', 'what is this?', '--output-format', 'stream-json'], { cwd: ws.project, env: anthropicEnv(ws, server) });
    assert.equal(run.code, 0, run.stderr);
    const events = parseJsonLines(run.stdout);
    const types = events.map((event) => event.type);
    assert.equal(types[0], 'session_started');
    for (const expected of ['user_message', 'model_request', 'text_delta', 'assistant_message', 'usage', 'tool_proposed', 'tool_decision', 'tool_started', 'tool_finished', 'session_ended']) {
      assert.ok(types.includes(expected), `missing ${expected} in ${types.join(',')}`);
    }
    assert.equal(types.at(-1), 'result');
    const decision = events.find((event) => event.type === 'tool_decision');
    assert.equal(decision?.decision, 'allow');
    assert.equal(decision?.reason, 'reads inside the project are allowed');
  });
});

test('the prompt may come on stdin', async () => {
  await withSetup({ turns: [{ text: 'Got it.' }] }, async (ws, server) => {
    const run = await runWard(['-p'], { cwd: ws.project, env: anthropicEnv(ws, server), stdin: 'a prompt from a pipe\n' });
    assert.equal(run.code, 0, run.stderr);
    const body = server.requests[0]?.body as { messages: { content: unknown }[] };
    assert.match(JSON.stringify(body.messages[0]?.content), /a prompt from a pipe/);
  });
});

test('secrets in the environment never reach a command, and secret-looking output is redacted before the model sees it', async () => {
  const script: Script = {
    turns: [
      { toolCalls: [{ name: 'bash', input: { command: 'env; echo token=ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE1234' } }] },
      { text: 'ok' },
    ],
  };
  await withSetup(script, async (ws, server) => {
    const run = await runWard(['-p', 'show env', '--permission-mode', 'bypass'], {
      cwd: ws.project,
      env: { ...anthropicEnv(ws, server), ANTHROPIC_API_KEY: 'sk-ant-api03-canaryCANARYcanaryCANARY', MY_SERVICE_TOKEN: 'canary-service-token-123' },
    });
    assert.equal(run.code, 0, run.stderr);
    const [result] = toolResultsSent(server, 1);
    assert.ok(result !== undefined);
    assert.doesNotMatch(result.content, /canary/i);
    assert.doesNotMatch(result.content, /ghp_FAKE/);
    assert.match(result.content, /\[REDACTED:/);
    const transcript = readFileSync(onlyTranscript(ws.home), 'utf8');
    assert.doesNotMatch(transcript, /ghp_FAKE|canary/i);
  });
});

test('read-only calls of a turn run in parallel; a call that writes waits and runs alone', async () => {
  const script: Script = {
    turns: [
      {
        toolCalls: [
          { id: 'r1', name: 'read', input: { path: 'README.md' } },
          { id: 'r2', name: 'grep', input: { pattern: 'discount' } },
          { id: 'w1', name: 'write', input: { path: 'notes.txt', content: 'hello\n' } },
          { id: 'r3', name: 'read', input: { path: 'notes.txt' } },
        ],
      },
      { text: 'ok' },
    ],
  };
  await withSetup(script, async (ws, server) => {
    const run = await runWard(['-p', 'go', '--output-format', 'stream-json', '--permission-mode', 'accept-edits'], { cwd: ws.project, env: anthropicEnv(ws, server) });
    assert.equal(run.code, 0, run.stderr);
    const order = parseJsonLines(run.stdout)
      .filter((event) => event.type === 'tool_started' || event.type === 'tool_finished')
      .map((event) => `${event.type === 'tool_started' ? 'start' : 'end'}:${String(event.callId)}`);
    // r1 and r2 both start before either ends; w1 starts after both ended and ends before r3 starts.
    assert.ok(order.indexOf('start:r2') < order.indexOf('end:r1'), order.join(' '));
    assert.ok(order.indexOf('start:w1') > Math.max(order.indexOf('end:r1'), order.indexOf('end:r2')), order.join(' '));
    assert.ok(order.indexOf('end:w1') < order.indexOf('start:r3'), order.join(' '));
    // r3 saw what w1 wrote.
    const results = toolResultsSent(server, 1);
    assert.equal(results.length, 4);
    assert.match(results[3]?.content ?? '', /hello/);
  });
});

test('--disallowed-tools with a bare name hides the tool from the model; with a specifier it denies matching calls', async () => {
  const script: Script = {
    turns: [{ toolCalls: [{ name: 'bash', input: { command: 'git push origin main' } }] }, { text: 'ok' }],
  };
  await withSetup(script, async (ws, server) => {
    const run = await runWard(['-p', 'go', '--permission-mode', 'bypass', '--disallowed-tools', 'web_fetch,bash(git push:*)'], {
      cwd: ws.project,
      env: anthropicEnv(ws, server),
    });
    assert.equal(run.code, 0, run.stderr);
    const tools = (server.requests[0]?.body as { tools: { name: string }[] }).tools.map((tool) => tool.name);
    assert.ok(!tools.includes('web_fetch'));
    assert.ok(tools.includes('bash'));
    const [result] = toolResultsSent(server, 1);
    assert.match(result?.content ?? '', /Permission denied: denied by rule bash\(git push:\*\)/);
  });
});

test('the todo list is shown to the user as a checklist', async () => {
  const todos = [
    { content: 'Reproduce the failure', status: 'completed' },
    { content: 'Fix the discount', status: 'in_progress' },
    { content: 'Run the tests', status: 'pending' },
  ];
  await withSetup({ turns: [{ toolCalls: [{ name: 'todo', input: { todos } }] }, { text: 'ok' }] }, async (ws, server) => {
    const run = await runWard(['-p', 'plan it'], { cwd: ws.project, env: anthropicEnv(ws, server) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /● todo .*\n {2}allow: .*\n {2}⎿ task list\n {4}\[x\] Reproduce the failure\n {4}\[~\] Fix the discount\n {4}\[ \] Run the tests/);
  });
});

test('field names other agents use (file_path, timeout) are accepted for the real ones', async () => {
  const script: Script = {
    turns: [
      { toolCalls: [{ name: 'read', input: { file_path: 'README.md' } }, { name: 'bash', input: { command: 'echo hi', timeout: 5000 } }] },
      { text: 'ok' },
    ],
  };
  await withSetup(script, async (ws, server) => {
    const run = await runWard(['-p', 'go', '--permission-mode', 'bypass'], { cwd: ws.project, env: anthropicEnv(ws, server) });
    assert.equal(run.code, 0, run.stderr);
    const [read, bash] = toolResultsSent(server, 1);
    assert.equal(read?.isError, false, read?.content);
    assert.match(read?.content ?? '', /sample-cart/);
    assert.equal(bash?.isError, false, bash?.content);
  });
});

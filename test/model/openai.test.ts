/**
 * The OpenAI-compatible provider against the scripted model server on loopback, through the
 * real SDK, plus one bare loopback server for what some local servers leave out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createOpenAIProvider } from '../../src/model/openai.ts';
import { ModelError, type Message } from '../../src/model/types.ts';
import { NEVER_ABORTED, SYSTEM_PROMPT, deltaCollector, request, userText, withEnv, withServer } from './provider-fixtures.ts';

const MODEL = 'gpt-scripted';

function provider(baseUrl: string, apiKey?: string) {
  return createOpenAIProvider({ apiKey, baseUrl, model: MODEL, requestTimeoutMs: 5_000 });
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the turn to fail');
}

const sentBody = z.object({
  model: z.string(),
  stream: z.literal(true),
  stream_options: z.object({ include_usage: z.literal(true) }),
  max_tokens: z.number().optional(),
  max_completion_tokens: z.number().optional(),
  tools: z.array(z.object({ type: z.literal('function'), function: z.object({ name: z.string(), parameters: z.unknown() }) })),
  messages: z.array(
    z.looseObject({
      role: z.string(),
      content: z.string().nullish(),
      tool_call_id: z.string().optional(),
      tool_calls: z.array(z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) })).optional(),
    }),
  ),
});

test('text and two tool calls round-trip; results go back as tool messages', async () => {
  const script = {
    turns: [
      {
        text: 'Looking around.',
        toolCalls: [
          { name: 'list_dir', input: { path: 'src' } },
          { name: 'read_file', input: { path: 'src/main.ts' } },
        ],
      },
      { text: 'src has one file, main.ts.' },
    ],
  };
  await withServer(script, async (server) => {
    // No key and a base URL: a local server, reached with a placeholder key.
    const openai = provider(server.openaiBaseUrl);
    const seen = deltaCollector();
    const history: Message[] = [userText('What is in src?')];
    const turn = await openai.streamTurn(request(history), NEVER_ABORTED, seen.onDelta);

    assert.equal(turn.stopReason, 'tool_use');
    assert.deepEqual(turn.content[0], { type: 'text', text: 'Looking around.' });
    const calls = turn.content.filter((block) => block.type === 'tool_use');
    assert.deepEqual(
      calls.map((call) => [call.name, call.input]),
      [
        ['list_dir', { path: 'src' }],
        ['read_file', { path: 'src/main.ts' }],
      ],
    );
    assert.equal(seen.text(), 'Looking around.');
    assert.deepEqual(
      seen.deltas.filter((d) => d.kind === 'tool_use_start'),
      calls.map((call) => ({ kind: 'tool_use_start', id: call.id, name: call.name })),
    );

    history.push({ role: 'assistant', content: turn.content });
    history.push({
      role: 'user',
      content: calls.map((call, i) => ({ type: 'tool_result' as const, toolUseId: call.id, content: `result ${i}`, isError: i === 1 })),
    });
    const second = await openai.streamTurn(request(history), NEVER_ABORTED, () => {});
    assert.deepEqual(second.content, [{ type: 'text', text: 'src has one file, main.ts.' }]);
    assert.equal(second.stopReason, 'end_turn');

    const body = sentBody.parse(server.requests[1]?.body);
    assert.deepEqual(body.messages[0], { role: 'system', content: SYSTEM_PROMPT });
    assert.deepEqual(body.tools.map((tool) => tool.function.name), ['read_file', 'list_dir']);
    assert.equal(body.max_tokens, 1024, 'a local server gets max_tokens');
    const toolMessages = body.messages.filter((m) => m.role === 'tool');
    assert.deepEqual(
      toolMessages.map((m) => [m.tool_call_id, m.content]),
      [
        [calls[0]?.id, 'result 0'],
        [calls[1]?.id, 'Error: result 1'],
      ],
    );
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer ward-no-key');
    assert.deepEqual(server.violations, []);
  });
});

test('malformed tool-call arguments become inputError', async () => {
  const script = { turns: [{ toolCalls: [{ name: 'read_file', rawArguments: '{"path": ' }] }] };
  await withServer(script, async (server) => {
    const turn = await provider(server.openaiBaseUrl).streamTurn(request([userText('go')]), NEVER_ABORTED, () => {});
    const call = turn.content[0];
    assert.ok(call?.type === 'tool_use');
    assert.deepEqual(call.input, {});
    assert.match(call.inputError ?? '', /not valid JSON/);
  });
});

test('usage splits cached prompt tokens out, and a repeated prefix reads from the cache', async () => {
  await withServer({ turns: [{ text: 'one' }, { text: 'two' }] }, async (server) => {
    const openai = provider(server.openaiBaseUrl, 'sk-test');
    const history: Message[] = [userText('first')];
    const first = await openai.streamTurn(request(history), NEVER_ABORTED, () => {});
    history.push({ role: 'assistant', content: first.content }, userText('second'));
    const second = await openai.streamTurn(request(history), NEVER_ABORTED, () => {});

    assert.equal(first.usage.cacheReadTokens, 0);
    assert.ok(first.usage.inputTokens > 0);
    assert.ok(second.usage.cacheReadTokens > second.usage.inputTokens, JSON.stringify(second.usage));
    assert.equal(second.usage.cacheWriteTokens, 0);
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer sk-test');
  });
});

test('a cut stream is stream_cut and an unknown model is a bad_request naming it', async () => {
  await withServer({ turns: [{ text: 'x', faults: [{ kind: 'truncated_stream' }] }], models: [MODEL] }, async (server) => {
    const cut = await failure(provider(server.openaiBaseUrl).streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {}));
    assert.equal(cut.kind, 'stream_cut');
    assert.match(cut.message, /finish_reason/);

    const wrong = createOpenAIProvider({ apiKey: undefined, baseUrl: server.openaiBaseUrl, model: 'qwen-nope', requestTimeoutMs: 5_000 });
    const rejected = await failure(wrong.streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {}));
    assert.equal(rejected.kind, 'bad_request');
    assert.equal(rejected.status, 404);
    assert.match(rejected.message, /qwen-nope/);
    assert.match(rejected.message, /OpenAI/);
  });
});

test('OPENAI_BASE_URL is used when no baseUrl is given, and an explicit baseUrl wins', async () => {
  await withServer({ turns: [{ text: 'from env' }, { text: 'explicit' }] }, async (server) => {
    await withEnv({ OPENAI_BASE_URL: server.openaiBaseUrl }, async () => {
      const fromEnv = createOpenAIProvider({ apiKey: 'sk-test', model: MODEL, requestTimeoutMs: 5_000 });
      assert.equal(fromEnv.baseUrl, server.openaiBaseUrl);
      const turn = await fromEnv.streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {});
      assert.deepEqual(turn.content, [{ type: 'text', text: 'from env' }]);
    });
    await withEnv({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }, async () => {
      const turn = await provider(server.openaiBaseUrl).streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {});
      assert.deepEqual(turn.content, [{ type: 'text', text: 'explicit' }]);
    });
  });
});

test('a local server that omits usage, tool-call ids and indexes still yields a usable turn', async () => {
  // Some local servers stream the bare minimum: this one sends no usage chunk, no tool-call
  // id or index, and finishes a tool-calling turn with "stop".
  const chunks = [
    { choices: [{ delta: { role: 'assistant', content: 'Sure.' }, finish_reason: null }] },
    { choices: [{ delta: { tool_calls: [{ function: { name: 'read_file', arguments: '{"path":"a.txt"}' } }] }, finish_reason: null }] },
    { choices: [{ delta: {}, finish_reason: 'stop' }] },
  ];
  await withChunkServer(chunks, async (port) => {
    const turn = await provider(`http://127.0.0.1:${port}/v1`).streamTurn(request([userText('read a.txt')]), NEVER_ABORTED, () => {});
    assert.deepEqual(turn.usage, { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 });
    assert.equal(turn.stopReason, 'tool_use');
    const call = turn.content[1];
    assert.ok(call?.type === 'tool_use');
    assert.equal(call.name, 'read_file');
    assert.deepEqual(call.input, { path: 'a.txt' });
    assert.match(call.id, /^call_/);
  });
});

test('regression: continuation chunks with id "" and name "" extend the call instead of starting a new one', async () => {
  // DashScope (Qwen) and DeepSeek stream tool calls like this.
  const chunks = [
    { choices: [{ delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_abc', type: 'function', function: { name: 'read', arguments: '' } }] }, finish_reason: null }] },
    { choices: [{ delta: { tool_calls: [{ index: 0, id: '', type: 'function', function: { name: '', arguments: '{"path":' } }] }, finish_reason: null }] },
    { choices: [{ delta: { tool_calls: [{ index: 0, id: '', type: 'function', function: { arguments: '"a.txt"}' } }] }, finish_reason: null }] },
    { choices: [{ delta: {}, finish_reason: 'tool_calls' }] },
  ];
  await withChunkServer(chunks, async (port) => {
    const turn = await provider(`http://127.0.0.1:${port}/v1`).streamTurn(request([userText('read a.txt')]), NEVER_ABORTED, () => {});
    assert.equal(turn.content.length, 1);
    assert.deepEqual(turn.content[0], { type: 'tool_use', id: 'call_abc', name: 'read', input: { path: 'a.txt' } });
  });
});

/** A bare OpenAI-compatible server on loopback that streams these chunks to any request. */
async function withChunkServer(chunks: readonly unknown[], run: (port: number) => Promise<void>): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * The Anthropic provider against the scripted model server on loopback, through the real SDK.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createAnthropicProvider } from '../../src/model/anthropic.ts';
import { ModelError, type Message, type ModelTurn } from '../../src/model/types.ts';
import {
  NEVER_ABORTED,
  SYSTEM_PROMPT,
  deltaCollector,
  objectsWithKey,
  request,
  userText,
  withEnv,
  withServer,
} from './provider-fixtures.ts';

const MODEL = 'claude-scripted-1';

function provider(baseUrl: string, requestTimeoutMs = 5_000) {
  return createAnthropicProvider({ apiKey: 'test-key', baseUrl, model: MODEL, requestTimeoutMs });
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

const toolResultSchema = z.object({ type: z.literal('tool_result'), tool_use_id: z.string(), content: z.string() });

test('a text + tool-call turn round-trips, with deltas streamed as they arrive', async () => {
  const script = {
    turns: [
      { text: 'Let me read that file.', toolCalls: [{ name: 'read_file', input: { path: 'notes/todo.txt' } }] },
      { text: 'The file lists three tasks.' },
    ],
  };
  await withServer(script, async (server) => {
    const anthropic = provider(server.anthropicBaseUrl);
    const first = deltaCollector();
    const history: Message[] = [userText('What is in notes/todo.txt?')];
    const turn = await anthropic.streamTurn(request(history), NEVER_ABORTED, first.onDelta);

    assert.equal(turn.stopReason, 'tool_use');
    assert.equal(turn.model, MODEL);
    assert.deepEqual(turn.content[0], { type: 'text', text: 'Let me read that file.' });
    const call = turn.content[1];
    assert.ok(call?.type === 'tool_use');
    assert.equal(call.name, 'read_file');
    assert.deepEqual(call.input, { path: 'notes/todo.txt' });
    assert.equal(call.inputError, undefined);
    assert.equal(first.text(), 'Let me read that file.');
    assert.ok(first.deltas.filter((d) => d.kind === 'text').length > 1, 'text should arrive in several deltas');
    assert.deepEqual(first.deltas.find((d) => d.kind === 'tool_use_start'), { kind: 'tool_use_start', id: call.id, name: 'read_file' });
    assert.ok(turn.usage.inputTokens + turn.usage.cacheWriteTokens > 0);
    assert.ok(turn.usage.outputTokens > 0);

    history.push({ role: 'assistant', content: turn.content });
    history.push({ role: 'user', content: [{ type: 'tool_result', toolUseId: call.id, content: '1. a\n2. b\n3. c', isError: false }] });
    const second = await anthropic.streamTurn(request(history), NEVER_ABORTED, () => {});
    assert.deepEqual(second.content, [{ type: 'text', text: 'The file lists three tasks.' }]);
    assert.equal(second.stopReason, 'end_turn');

    const sentResult = toolResultSchema.parse(objectsWithKey(server.requests[1]?.body, 'tool_use_id')[0]);
    assert.equal(sentResult.tool_use_id, call.id);
    assert.equal(sentResult.content, '1. a\n2. b\n3. c');
    assert.deepEqual(server.violations, []);
  });
});

test('tool-call JSON that does not parse becomes inputError, not an exception', async () => {
  const script = { turns: [{ toolCalls: [{ name: 'read_file', rawArguments: '{"path": "src/index.ts"' }] }] };
  await withServer(script, async (server) => {
    const turn = await provider(server.anthropicBaseUrl).streamTurn(request([userText('read it')]), NEVER_ABORTED, () => {});
    const call = turn.content[0];
    assert.ok(call?.type === 'tool_use');
    assert.deepEqual(call.input, {});
    assert.match(call.inputError ?? '', /not valid JSON/);
    assert.match(call.inputError ?? '', /src\/index\.ts/);
  });
});

test('cache breakpoints sit on the system prompt (covering the tools), the moving end and the previous user turn', async () => {
  const script = { turns: [{ text: 'one' }, { text: 'two' }, { text: 'three' }] };
  await withServer(script, async (server) => {
    const anthropic = provider(server.anthropicBaseUrl);
    const history: Message[] = [userText('first question')];
    const turns: ModelTurn[] = [];
    for (const next of ['second question', 'third question', undefined]) {
      const turn = await anthropic.streamTurn(request(history), NEVER_ABORTED, () => {});
      turns.push(turn);
      history.push({ role: 'assistant', content: turn.content });
      if (next !== undefined) history.push(userText(next));
    }

    const body = z
      .object({
        tools: z.array(z.looseObject({ name: z.string() })),
        system: z.array(z.looseObject({ text: z.string() })),
        messages: z.array(z.object({ role: z.string(), content: z.array(z.looseObject({ type: z.string() })) })),
      })
      .parse(server.requests[2]?.body);
    const marked = objectsWithKey(server.requests[2]?.body, 'cache_control');
    assert.equal(marked.length, 3, 'system, last message, previous user message');
    assert.ok(body.tools.every((tool) => !('cache_control' in tool)), 'the system breakpoint caches the tools before it');
    assert.equal(body.system[0]?.text, SYSTEM_PROMPT);
    assert.ok('cache_control' in (body.system[0] ?? {}));
    assert.ok('cache_control' in (body.messages.at(-1)?.content.at(-1) ?? {}), 'the moving end');
    assert.equal(body.messages[2]?.role, 'user');
    assert.ok('cache_control' in (body.messages[2]?.content.at(-1) ?? {}), 'the previous user turn');
    for (const sent of server.requests) assert.ok(objectsWithKey(sent.body, 'cache_control').length <= 4);

    // The first request writes the prefix, later ones read most of their input from it.
    assert.equal(turns[0]?.usage.cacheReadTokens, 0);
    assert.ok((turns[0]?.usage.cacheWriteTokens ?? 0) > 0);
    const last = turns[2]?.usage;
    assert.ok(last !== undefined && last.cacheReadTokens > 0);
    assert.ok(last.cacheReadTokens > last.inputTokens + last.cacheWriteTokens, `read ${JSON.stringify(last)}`);
  });
});

test('failures map to ModelError kinds naming the provider, the status and the server message', async () => {
  const script = {
    turns: [
      {
        text: 'finally',
        faults: [
          { kind: 'status' as const, status: 429, retryAfterSeconds: 7, message: 'Number of requests has exceeded your rate limit' },
          { kind: 'status' as const, status: 529, message: 'Overloaded' },
          { kind: 'status' as const, status: 500, message: 'Internal server error' },
          { kind: 'status' as const, status: 401, message: 'invalid x-api-key' },
          { kind: 'overloaded_event' as const, afterEvents: 2 },
          { kind: 'truncated_stream' as const },
          { kind: 'reset_mid_stream' as const, afterEvents: 3 },
        ],
      },
    ],
  };
  await withServer(script, async (server) => {
    const anthropic = provider(server.anthropicBaseUrl);
    const attempt = () => failure(anthropic.streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {}));

    const limited = await attempt();
    assert.equal(limited.kind, 'rate_limited');
    assert.equal(limited.status, 429);
    assert.equal(limited.retryAfterMs, 7_000);
    assert.match(limited.message, /Anthropic/);
    assert.match(limited.message, /429/);
    assert.match(limited.message, /exceeded your rate limit/);

    const overloaded = await attempt();
    assert.equal(overloaded.kind, 'overloaded');
    assert.equal(overloaded.status, 529);

    const server500 = await attempt();
    assert.equal(server500.kind, 'server');
    assert.match(server500.message, /500.*Internal server error/);

    const auth = await attempt();
    assert.equal(auth.kind, 'auth');
    assert.equal(auth.status, 401);
    assert.match(auth.message, /invalid x-api-key/);

    const overloadedEvent = await attempt();
    assert.equal(overloadedEvent.kind, 'overloaded');
    assert.equal(overloadedEvent.status, undefined);

    const truncated = await attempt();
    assert.equal(truncated.kind, 'stream_cut');
    assert.match(truncated.message, /message_stop/);

    const reset = await attempt();
    assert.ok(reset.retryable, `a reset is worth a retry, got ${reset.kind}`);

    const turn = await anthropic.streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {});
    assert.deepEqual(turn.content, [{ type: 'text', text: 'finally' }]);
  });
});

test('a model the server does not serve is a bad_request that names the model', async () => {
  await withServer({ turns: [{ text: 'unused' }], models: ['claude-other'] }, async (server) => {
    const error = await failure(provider(server.anthropicBaseUrl).streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {}));
    assert.equal(error.kind, 'bad_request');
    assert.equal(error.status, 404);
    assert.match(error.message, new RegExp(MODEL));
  });
});

test('a server slower than requestTimeoutMs is a timeout, and a cancelled turn is aborted', async () => {
  const script = {
    turns: [
      {
        text: 'late',
        faults: [
          { kind: 'slow_first_byte' as const, delayMs: 3_000 },
          { kind: 'slow_first_byte' as const, delayMs: 3_000 },
        ],
      },
    ],
  };
  await withServer(script, async (server) => {
    const timedOut = await failure(provider(server.anthropicBaseUrl, 150).streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {}));
    assert.equal(timedOut.kind, 'timeout');

    const controller = new AbortController();
    const pending = provider(server.anthropicBaseUrl).streamTurn(request([userText('hi')]), controller.signal, () => {});
    setTimeout(() => controller.abort(), 50);
    const cancelled = await failure(pending);
    assert.equal(cancelled.kind, 'aborted');
  });
});

test('ANTHROPIC_BASE_URL is used when no baseUrl is given, and an explicit baseUrl wins', async () => {
  await withServer({ turns: [{ text: 'from env' }, { text: 'explicit' }] }, async (server) => {
    await withEnv({ ANTHROPIC_BASE_URL: server.anthropicBaseUrl }, async () => {
      const fromEnv = createAnthropicProvider({ apiKey: 'k', model: MODEL, requestTimeoutMs: 5_000 });
      assert.equal(fromEnv.baseUrl, server.anthropicBaseUrl);
      const turn = await fromEnv.streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {});
      assert.deepEqual(turn.content, [{ type: 'text', text: 'from env' }]);
    });
    await withEnv({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/not-here' }, async () => {
      const explicit = provider(server.anthropicBaseUrl);
      assert.equal(explicit.baseUrl, server.anthropicBaseUrl);
      const turn = await explicit.streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {});
      assert.deepEqual(turn.content, [{ type: 'text', text: 'explicit' }]);
    });
    assert.equal(server.requests[1]?.headers.authorization, 'Bearer test-key');
  });
});

test('a stream that starts and then stalls is a timeout, not a hang', async () => {
  // The scripted server has no stall fault: this one sends the headers and one event, then
  // goes silent with the connection open.
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const start = { type: 'message_start', message: { model: MODEL, usage: { input_tokens: 10, output_tokens: 1 } } };
    res.write(`event: message_start\ndata: ${JSON.stringify(start)}\n\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const stalled = provider(`http://127.0.0.1:${port}`, 200);
    const error = await failure(stalled.streamTurn(request([userText('hi')]), NEVER_ABORTED, () => {}));
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /200 ms/);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

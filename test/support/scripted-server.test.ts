/**
 * The scripted server seen through the official Anthropic SDK: what it streams and returns
 * must parse cleanly, and each scripted fault must surface the way the SDK reports the
 * real service's failures (ward's provider code is written against exactly these errors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic, {
  AnthropicError,
  APIConnectionTimeoutError,
  APIError,
  NotFoundError,
  OverloadedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import type { Script } from './script.ts';
import { startScriptedServer, type ScriptedServer } from './scripted-server.ts';

const MODEL = 'claude-scripted-1';
const ASK = { model: MODEL, max_tokens: 1024, messages: [{ role: 'user' as const, content: 'What is in notes.txt?' }] };
const LONG_INPUT = { path: 'docs/notes.txt', note: 'a fairly long argument value, to be split into pieces', lines: [1, 2, 3] };

async function withServer(script: Script, run: (server: ScriptedServer, client: Anthropic) => Promise<void>): Promise<void> {
  const server = await startScriptedServer(script);
  try {
    await run(server, new Anthropic({ baseURL: server.url, apiKey: 'test-key', maxRetries: 0 }));
  } finally {
    await server.close();
  }
}

test('a streamed turn with text and a tool call reaches the Anthropic SDK intact', async () => {
  const script: Script = { turns: [{ text: 'Let me read that file for you.', toolCalls: [{ name: 'read_file', input: LONG_INPUT }] }] };
  await withServer(script, async (server, client) => {
    const stream = client.messages.stream(ASK);
    const textDeltas: string[] = [];
    const jsonDeltas: string[] = [];
    stream.on('text', (delta) => textDeltas.push(delta));
    stream.on('inputJson', (partial) => jsonDeltas.push(partial));
    const message = await stream.finalMessage();

    assert.equal(message.role, 'assistant');
    assert.equal(message.model, MODEL);
    assert.match(message.id, /^msg_/);
    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(message.content.length, 2);
    const [text, toolUse] = message.content;
    assert.deepEqual(text, { type: 'text', text: 'Let me read that file for you.' });
    assert.equal(toolUse?.type, 'tool_use');
    if (toolUse?.type !== 'tool_use') return;
    assert.match(toolUse.id, /^toolu_/);
    assert.equal(toolUse.name, 'read_file');
    assert.deepEqual(toolUse.input, LONG_INPUT);
    assert.ok(textDeltas.length >= 3, `text arrived in ${textDeltas.length} deltas`);
    assert.ok(jsonDeltas.filter((d) => d !== '').length >= 3, `tool input arrived in ${jsonDeltas.length} deltas`);
    assert.equal(jsonDeltas.join(''), JSON.stringify(LONG_INPUT));
    assert.ok(message.usage.output_tokens > 0);
    assert.deepEqual(server.violations, []);
  });
});

test('the raw event stream follows Anthropic event order, with pings', async () => {
  await withServer({ turns: [{ text: 'Hi.', toolCalls: [{ id: 'toolu_fixed', name: 'ls', input: {} }] }] }, async (_server, client) => {
    const stream = await client.messages.create({ ...ASK, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    assert.deepEqual(types.slice(0, 2), ['message_start', 'content_block_start']);
    assert.deepEqual(types.slice(-2), ['message_delta', 'message_stop']);
    assert.equal(types.filter((t) => t === 'content_block_start').length, 2);
    assert.equal(types.filter((t) => t === 'content_block_stop').length, 2);
  });
});

test('a non-streamed turn is a complete Message', async () => {
  const script: Script = { turns: [{ toolCalls: [{ id: 'toolu_given', name: 'grep', input: { pattern: 'x' } }], usage: { inputTokens: 42, outputTokens: 7 } }] };
  await withServer(script, async (_server, client) => {
    const message = await client.messages.create(ASK);
    assert.equal(message.type, 'message');
    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(message.stop_sequence, null);
    assert.deepEqual(message.content, [{ type: 'tool_use', id: 'toolu_given', name: 'grep', input: { pattern: 'x' } }]);
    assert.equal(message.usage.input_tokens, 42);
    assert.equal(message.usage.output_tokens, 7);
    assert.equal(message.usage.cache_read_input_tokens, 0);
  });
});

test('a tool round trip is recorded request by request, with no violations', async () => {
  const script: Script = { turns: [{ toolCalls: [{ name: 'read_file', input: { path: 'a.txt' } }] }, { text: 'It says hello.' }] };
  await withServer(script, async (server, client) => {
    const first = await client.messages.stream(ASK).finalMessage();
    const call = first.content[0];
    assert.equal(call?.type, 'tool_use');
    if (call?.type !== 'tool_use') return;
    const second = await client.messages
      .stream({
        ...ASK,
        messages: [
          ...ASK.messages,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'hello' }] },
        ],
      })
      .finalText();
    assert.equal(second, 'It says hello.');
    assert.equal(server.remainingTurns(), 0);
    assert.deepEqual(server.requests.map((r) => [r.api, r.path, r.turnIndex, r.outcome]), [
      ['anthropic', '/v1/messages', 0, 'turn'],
      ['anthropic', '/v1/messages', 1, 'turn'],
    ]);
    const headers = server.requests[0]?.headers ?? {};
    assert.match(`${headers['x-api-key'] ?? ''} ${headers['authorization'] ?? ''}`, /test-key/);
    assert.ok(headers['anthropic-version'], 'the SDK names its API version');
    assert.deepEqual((server.requests[1]?.body as { messages: unknown[] }).messages.length, 3);
    assert.deepEqual(server.violations, []);
  });
});

test('a missing or unknown tool_result is recorded as a violation', async () => {
  await withServer({ turns: [{ text: 'ok' }, { text: 'ok' }] }, async (server, client) => {
    const toolUse = { type: 'tool_use' as const, id: 'toolu_lonely', name: 'ls', input: {} };
    await client.messages.create({
      ...ASK,
      messages: [...ASK.messages, { role: 'assistant', content: [toolUse] }, { role: 'user', content: 'never mind' }],
    });
    assert.equal(server.violations.length, 1);
    assert.match(server.violations[0] ?? '', /request #1 .*tool_use toolu_lonely .* has no tool_result/);

    await client.messages.create({
      ...ASK,
      messages: [...ASK.messages, { role: 'assistant', content: 'hm' }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_ghost', content: 'x' }] }],
    });
    assert.equal(server.violations.length, 2);
    assert.match(server.violations[1] ?? '', /refers to unknown id toolu_ghost/);
  });
});

test('status faults become the SDK status errors, retry-after and request id included', async () => {
  const script: Script = {
    turns: [{ text: 'finally', faults: [{ kind: 'status', status: 429, retryAfterSeconds: 7 }, { kind: 'status', status: 529 }] }],
  };
  await withServer(script, async (server, client) => {
    const limited = await client.messages.stream(ASK).finalMessage().catch((e: unknown) => e);
    assert.ok(limited instanceof RateLimitError);
    assert.equal(limited.status, 429);
    assert.equal(limited.type, 'rate_limit_error');
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.match(limited.requestID ?? '', /^req_/);

    const overloaded = await client.messages.create({ ...ASK, stream: true }).catch((e: unknown) => e);
    assert.ok(overloaded instanceof OverloadedError);
    assert.equal(overloaded.status, 529);
    assert.equal(overloaded.type, 'overloaded_error');

    assert.equal(await client.messages.stream(ASK).finalText(), 'finally');
    assert.deepEqual(server.requests.map((r) => r.outcome), ['fault:status', 'fault:status', 'turn']);
  });
});

test('a reset stream rejects: the helper with AnthropicError "terminated", the raw stream with TypeError', async () => {
  const reset = { kind: 'reset_mid_stream' as const, afterEvents: 3 };
  await withServer({ turns: [{ text: 'a reply long enough to be cut', faults: [reset, reset] }] }, async (server, client) => {
    const viaHelper = await client.messages.stream(ASK).finalMessage().catch((e: unknown) => e);
    assert.ok(viaHelper instanceof AnthropicError);
    assert.ok(!(viaHelper instanceof APIError));
    assert.equal(viaHelper.message, 'terminated');
    assert.ok(viaHelper.cause instanceof TypeError);

    const raw = await client.messages.create({ ...ASK, stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of raw) seen.push(event.type);
    })().catch((e: unknown) => e);
    assert.ok(failure instanceof TypeError);
    assert.equal(failure.message, 'terminated');
    assert.ok(seen.length > 0 && !seen.includes('message_stop'), `events before the reset: ${seen.join(',')}`);
    assert.equal(server.remainingTurns(), 1);
  });
});

test('a truncated stream ends quietly; only the helper notices the missing message', async () => {
  const cut = { kind: 'truncated_stream' as const };
  await withServer({ turns: [{ text: 'cut short', faults: [cut, cut] }] }, async (_server, client) => {
    const viaHelper = await client.messages.stream(ASK).finalMessage().catch((e: unknown) => e);
    assert.ok(viaHelper instanceof AnthropicError);
    assert.equal(viaHelper.message, 'stream ended without producing a Message with role=assistant');

    const types: string[] = [];
    for await (const event of await client.messages.create({ ...ASK, stream: true })) types.push(event.type);
    assert.equal(types[0], 'message_start');
    assert.ok(!types.includes('message_delta') && !types.includes('message_stop'), types.join(','));
  });
});

test('an overloaded error event mid-stream is an APIError without status', async () => {
  const event = { kind: 'overloaded_event' as const, afterEvents: 3 };
  await withServer({ turns: [{ text: 'busy', faults: [event, event] }] }, async (_server, client) => {
    for (const attempt of [
      () => client.messages.stream(ASK).finalMessage(),
      async () => {
        const types: string[] = [];
        for await (const event of await client.messages.create({ ...ASK, stream: true })) types.push(event.type);
        return types;
      },
    ]) {
      const failure = await attempt().catch((e: unknown) => e);
      assert.ok(failure instanceof APIError);
      assert.ok(!(failure instanceof OverloadedError));
      assert.equal(failure.status, undefined);
      assert.equal(failure.type, 'overloaded_error');
    }
  });
});

test('a client that times out on a slow first byte gets the same turn on its retry', async () => {
  const script: Script = { turns: [{ text: 'worth the wait', faults: [{ kind: 'slow_first_byte', delayMs: 60_000 }] }] };
  await withServer(script, async (server, client) => {
    const timedOut = await client.messages.stream(ASK, { timeout: 200 }).finalMessage().catch((e: unknown) => e);
    assert.ok(timedOut instanceof APIConnectionTimeoutError);
    assert.equal(timedOut.message, 'Request timed out.');
    assert.equal(await client.messages.stream(ASK).finalText(), 'worth the wait');
    assert.equal(server.remainingTurns(), 0);
  });
});

test('a patient client is served after a slow first byte', async () => {
  const script: Script = { turns: [{ text: 'slowly', faults: [{ kind: 'slow_first_byte', delayMs: 50 }] }, { text: 'next' }] };
  await withServer(script, async (server, client) => {
    assert.equal(await client.messages.stream(ASK).finalText(), 'slowly');
    assert.equal(await client.messages.stream(ASK).finalText(), 'next');
    assert.deepEqual(server.requests.map((r) => r.outcome), ['turn', 'turn']);
  });
});

test('an unknown model gets not_found_error and does not use up a turn', async () => {
  await withServer({ models: [MODEL], turns: [{ text: 'ok' }] }, async (server, client) => {
    const failure = await client.messages.create({ ...ASK, model: 'claude-nonexistent' }).catch((e: unknown) => e);
    assert.ok(failure instanceof NotFoundError);
    assert.equal(failure.type, 'not_found_error');
    assert.equal(failure.apiMessage, 'model: claude-nonexistent');
    assert.equal(server.remainingTurns(), 1);
    assert.equal(server.requests[0]?.outcome, 'model_rejected');
  });
});

test('running out of script is a 500 and a violation', async () => {
  await withServer({ turns: [] }, async (server, client) => {
    const failure = await client.messages.create(ASK).catch((e: unknown) => e);
    assert.ok(failure instanceof APIError);
    assert.equal(failure.status, 500);
    assert.match(failure.apiMessage ?? '', /script ran out/);
    assert.equal(server.violations.length, 1);
  });
});

test('models are listed in Anthropic shape, and an unknown endpoint is a 404 and a violation', async () => {
  await withServer({ models: [MODEL], turns: [{ text: 'via the bare path' }] }, async (server, client) => {
    const listed: string[] = [];
    for await (const model of client.models.list()) listed.push(model.id);
    assert.deepEqual(listed, [MODEL]);

    const bare = await fetch(`${server.url}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ASK),
    });
    assert.equal(bare.status, 200);
    assert.deepEqual(server.violations, []);

    const unknown = await fetch(`${server.url}/v1/complete`, { method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, body: '{}' });
    assert.equal(unknown.status, 404);
    assert.deepEqual(server.requests.map((r) => [r.api, r.outcome]), [
      ['anthropic', 'model_list'],
      ['anthropic', 'turn'],
      ['anthropic', 'unknown_route'],
    ]);
    assert.equal(server.violations.length, 1);
    assert.match(server.violations[0] ?? '', /no such endpoint POST \/v1\/complete/);
  });
});

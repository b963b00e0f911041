/**
 * The scripted server seen through the official OpenAI SDK: chunks and completions parse
 * cleanly, and each scripted fault surfaces the way the SDK reports the real service's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { APIConnectionTimeoutError, APIError, InternalServerError, NotFoundError, OpenAIError, RateLimitError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Script } from './script.ts';
import { startScriptedServer, type ScriptedServer } from './scripted-server.ts';

const MODEL = 'gpt-scripted';
const ASK = { model: MODEL, messages: [{ role: 'user' as const, content: 'What is in notes.txt?' }] };
const STREAM = { ...ASK, stream: true as const, stream_options: { include_usage: true } };
const LONG_INPUT = { path: 'docs/notes.txt', note: 'a fairly long argument value, to be split into pieces', lines: [1, 2, 3] };

async function withServer(script: Script, run: (server: ScriptedServer, client: OpenAI) => Promise<void>): Promise<void> {
  const server = await startScriptedServer(script);
  try {
    await run(server, new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test-key', maxRetries: 0 }));
  } finally {
    await server.close();
  }
}

async function drain(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

test('streamed text and tool calls reassemble intact from chunks', async () => {
  const script: Script = {
    turns: [{ text: 'Let me read both files.', toolCalls: [{ name: 'read_file', input: LONG_INPUT }, { name: 'read_file', input: { path: 'b' } }] }],
  };
  await withServer(script, async (server, client) => {
    const chunks = await drain(await client.chat.completions.create(STREAM));
    const deltas = chunks.flatMap((c) => c.choices.map((choice) => choice.delta));
    assert.equal(deltas[0]?.role, 'assistant');
    assert.equal(deltas.map((d) => d.content ?? '').join(''), 'Let me read both files.');
    assert.ok(deltas.filter((d) => d.content).length >= 3, 'text arrives in several pieces');

    const firstCallPieces = deltas.flatMap((d) => d.tool_calls ?? []).filter((call) => call.index === 0);
    assert.match(firstCallPieces[0]?.id ?? '', /^call_/);
    assert.equal(firstCallPieces[0]?.function?.name, 'read_file');
    assert.ok(firstCallPieces.length >= 4, 'arguments arrive in several pieces after the opening one');
    assert.deepEqual(JSON.parse(firstCallPieces.map((p) => p.function?.arguments ?? '').join('')), LONG_INPUT);

    const finish = chunks.flatMap((c) => c.choices).find((choice) => choice.finish_reason !== null);
    assert.equal(finish?.finish_reason, 'tool_calls');
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.ok((last?.usage?.completion_tokens ?? 0) > 0);
    assert.deepEqual(server.violations, []);
  });
});

test('the stream helper assembles the same turn', async () => {
  await withServer({ turns: [{ text: 'Hi.', toolCalls: [{ id: 'call_given', name: 'ls', input: { dir: '.' } }] }] }, async (_server, client) => {
    const completion = await client.chat.completions.stream(ASK).finalChatCompletion();
    const message = completion.choices[0]?.message;
    assert.equal(message?.content, 'Hi.');
    assert.deepEqual(message?.tool_calls, [{ id: 'call_given', type: 'function', function: { name: 'ls', arguments: '{"dir":"."}' } }]);
    assert.equal(completion.choices[0]?.finish_reason, 'tool_calls');
  });
});

test('a non-streamed completion, and no usage chunk unless asked for', async () => {
  const script: Script = { turns: [{ text: 'Plain.', stopReason: 'max_tokens', usage: { inputTokens: 30, cacheReadTokens: 10 } }, { text: 'Streamed.' }] };
  await withServer(script, async (_server, client) => {
    const completion = await client.chat.completions.create(ASK);
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.choices[0]?.message.content, 'Plain.');
    assert.equal(completion.choices[0]?.finish_reason, 'length');
    assert.equal(completion.usage?.prompt_tokens, 40);
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 10);

    const chunks = await drain(await client.chat.completions.create({ ...ASK, stream: true }));
    assert.ok(chunks.every((c) => c.usage == null));
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
  });
});

test('tool pairing problems in the conversation are recorded as violations', async () => {
  await withServer({ turns: [{ text: 'ok' }] }, async (server, client) => {
    const call = (id: string) => ({ id, type: 'function' as const, function: { name: 'ls', arguments: '{}' } });
    await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, tool_calls: [call('call_a'), call('call_b')] },
        { role: 'tool', tool_call_id: 'call_a', content: 'done' },
        { role: 'assistant', content: null, tool_calls: [call('call_a')] },
        { role: 'tool', tool_call_id: 'call_a', content: 'again' },
        { role: 'tool', tool_call_id: 'call_zzz', content: '?' },
      ],
    });
    assert.equal(server.violations.length, 3, server.violations.join('\n'));
    assert.match(server.violations.join('\n'), /call_a is used by more than one call/);
    assert.match(server.violations.join('\n'), /tool_call call_b \(message 1\) has no tool message right after it/);
    assert.match(server.violations.join('\n'), /refers to unknown id call_zzz/);
  });
});

test('status faults become the SDK status errors with retry-after', async () => {
  const script: Script = {
    turns: [{ text: 'ok', faults: [{ kind: 'status', status: 429, retryAfterSeconds: 3 }, { kind: 'status', status: 503, message: 'busy' }] }],
  };
  await withServer(script, async (_server, client) => {
    const limited = await client.chat.completions.create(STREAM).catch((e: unknown) => e);
    assert.ok(limited instanceof RateLimitError);
    assert.equal(limited.status, 429);
    assert.equal(limited.code, 'rate_limit_exceeded');
    assert.equal(limited.headers.get('retry-after'), '3');
    assert.match(limited.requestID ?? '', /^req_/);

    const unavailable = await client.chat.completions.stream(ASK).finalChatCompletion().catch((e: unknown) => e);
    assert.ok(unavailable instanceof InternalServerError);
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.message, '503 busy');
  });
});

test('a reset stream rejects the raw iteration with TypeError and the helper with OpenAIError', async () => {
  const reset = { kind: 'reset_mid_stream' as const, afterEvents: 2 };
  await withServer({ turns: [{ text: 'a reply long enough to be cut', faults: [reset, reset] }] }, async (_server, client) => {
    const raw = await drain(await client.chat.completions.create(STREAM)).catch((e: unknown) => e);
    assert.ok(raw instanceof TypeError);
    assert.equal(raw.message, 'terminated');

    const viaHelper = await client.chat.completions.stream(ASK).finalChatCompletion().catch((e: unknown) => e);
    assert.ok(viaHelper instanceof OpenAIError);
    assert.ok(!(viaHelper instanceof APIError));
    assert.equal(viaHelper.message, 'terminated');
  });
});

test('a truncated stream ends without finish_reason or [DONE]; the helper rejects', async () => {
  const cut = { kind: 'truncated_stream' as const };
  await withServer({ turns: [{ text: 'cut short', faults: [cut, cut] }] }, async (_server, client) => {
    const chunks = await drain(await client.chat.completions.create(STREAM));
    assert.ok(chunks.length > 0);
    assert.ok(chunks.every((c) => c.choices.every((choice) => choice.finish_reason === null) && c.usage == null));

    const viaHelper = await client.chat.completions.stream(ASK).finalChatCompletion().catch((e: unknown) => e);
    assert.ok(viaHelper instanceof OpenAIError);
    assert.equal(viaHelper.message, 'missing finish_reason for choice 0');
  });
});

test('an error payload mid-stream is an APIError without status', async () => {
  await withServer({ turns: [{ text: 'busy', faults: [{ kind: 'overloaded_event', afterEvents: 2 }] }] }, async (_server, client) => {
    const failure = await drain(await client.chat.completions.create(STREAM)).catch((e: unknown) => e);
    assert.ok(failure instanceof APIError);
    assert.equal(failure.status, undefined);
    assert.equal(failure.type, 'server_error');
  });
});

test('a timed-out slow first byte leaves the turn for the retry', async () => {
  const script: Script = { turns: [{ text: 'worth the wait', faults: [{ kind: 'slow_first_byte', delayMs: 60_000 }] }] };
  await withServer(script, async (server, client) => {
    const timedOut = await client.chat.completions.create(STREAM, { timeout: 200 }).catch((e: unknown) => e);
    assert.ok(timedOut instanceof APIConnectionTimeoutError);
    const completion = await client.chat.completions.create(ASK);
    assert.equal(completion.choices[0]?.message.content, 'worth the wait');
    assert.equal(server.remainingTurns(), 0);
  });
});

test('an unknown model gets model_not_found; /v1/models lists the scripted models', async () => {
  await withServer({ models: [MODEL, 'gpt-other'], turns: [{ text: 'ok' }] }, async (server, client) => {
    const failure = await client.chat.completions.create({ ...ASK, model: 'gpt-missing' }).catch((e: unknown) => e);
    assert.ok(failure instanceof NotFoundError);
    assert.equal(failure.code, 'model_not_found');
    assert.match(failure.message, /gpt-missing/);

    const listed: string[] = [];
    for await (const model of client.models.list()) listed.push(model.id);
    assert.deepEqual(listed, [MODEL, 'gpt-other']);
    assert.equal(server.remainingTurns(), 1);
    assert.deepEqual(server.requests.map((r) => [r.api, r.outcome]), [['openai', 'model_rejected'], ['openai', 'model_list']]);
  });
});

/**
 * streamWithRetry driving the real providers against scripted faults on loopback. The sleep
 * is injected, so nothing waits: the delays it was asked for are what the tests check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnthropicProvider } from '../../src/model/anthropic.ts';
import { createOpenAIProvider } from '../../src/model/openai.ts';
import { RETRY_AFTER_CAP_MS, streamWithRetry, type RetryInfo } from '../../src/model/retry.ts';
import { ModelError, type ModelProvider } from '../../src/model/types.ts';
import type { Fault } from '../support/script.ts';
import { NEVER_ABORTED, request, userText, withServer } from './provider-fixtures.ts';

type Make = (baseUrls: { anthropic: string; openai: string }, requestTimeoutMs?: number) => ModelProvider;

const anthropic: Make = (urls, requestTimeoutMs = 5_000) =>
  createAnthropicProvider({ apiKey: 'test-key', baseUrl: urls.anthropic, model: 'claude-scripted', requestTimeoutMs });
const openai: Make = (urls, requestTimeoutMs = 5_000) =>
  createOpenAIProvider({ apiKey: 'sk-test', baseUrl: urls.openai, model: 'gpt-scripted', requestTimeoutMs });

function recorder() {
  const delays: number[] = [];
  const retries: RetryInfo[] = [];
  return {
    delays,
    retries,
    sleep: (ms: number) => {
      delays.push(ms);
      return Promise.resolve();
    },
    onRetry: (info: RetryInfo) => retries.push(info),
  };
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

const RETRIED: ReadonlyArray<{
  name: string;
  fault: Fault;
  providers: ReadonlyArray<[string, Make]>;
  timeoutMs?: number;
  /** The fault strikes after some text was streamed. */
  partial?: boolean;
}> = [
  { name: '429', fault: { kind: 'status', status: 429 }, providers: [['anthropic', anthropic], ['openai', openai]] },
  { name: '500', fault: { kind: 'status', status: 500 }, providers: [['anthropic', anthropic], ['openai', openai]] },
  { name: '529', fault: { kind: 'status', status: 529 }, providers: [['anthropic', anthropic]] },
  { name: 'an overloaded_error event', fault: { kind: 'overloaded_event', afterEvents: 5 }, providers: [['anthropic', anthropic]], partial: true },
  {
    name: 'a reset mid-stream',
    fault: { kind: 'reset_mid_stream', afterEvents: 5 },
    providers: [['anthropic', anthropic], ['openai', openai]],
    partial: true,
  },
  {
    name: 'a truncated stream',
    fault: { kind: 'truncated_stream' },
    providers: [['anthropic', anthropic], ['openai', openai]],
    partial: true,
  },
  {
    name: 'a request timeout',
    fault: { kind: 'slow_first_byte', delayMs: 3_000 },
    providers: [['anthropic', anthropic], ['openai', openai]],
    timeoutMs: 150,
  },
];

for (const { name, fault, providers, timeoutMs, partial } of RETRIED) {
  for (const [providerName, make] of providers) {
    void test(`${providerName}: ${name} is retried and the turn succeeds`, async () => {
      const text = 'All done after one retry.';
      await withServer({ turns: [{ text, faults: [fault] }] }, async (server) => {
        const log = recorder();
        const shown: string[] = [];
        const model = make({ anthropic: server.anthropicBaseUrl, openai: server.openaiBaseUrl }, timeoutMs);
        let shownBeforeRetry = '';
        const turn = await streamWithRetry(model, request([userText('go')]), {
          signal: NEVER_ABORTED,
          sleep: log.sleep,
          onRetry: (info) => {
            log.onRetry(info);
            shownBeforeRetry = shown.join('');
            shown.length = 0; // what a UI does: drop the partial output it displayed
          },
          onDelta: (delta) => {
            if (delta.kind === 'text') shown.push(delta.text);
          },
          random: () => 0.5,
        });
        assert.deepEqual(turn.content, [{ type: 'text', text }]);
        assert.equal(shown.join(''), text, 'the display shows the turn once, not a cut copy plus a full one');
        if (partial === true) assert.ok(shownBeforeRetry.length > 0, 'part of the turn streamed before the cut');
        assert.equal(log.retries.length, 1);
        assert.equal(log.retries[0]?.attempt, 2);
        assert.equal(log.retries[0]?.maxAttempts, 5);
        assert.ok((log.retries[0]?.reason ?? '').length > 0);
        assert.equal(log.delays.length, 1);
        assert.equal(server.remainingTurns(), 0);
      });
    });
  }
}

test('retry-after is honoured, and capped at 60 s', async () => {
  const faults: Fault[] = [
    { kind: 'status', status: 429, retryAfterSeconds: 3 },
    { kind: 'status', status: 503, retryAfterSeconds: 3_600 },
  ];
  await withServer({ turns: [{ text: 'ok', faults }] }, async (server) => {
    const log = recorder();
    const urls = { anthropic: server.anthropicBaseUrl, openai: server.openaiBaseUrl };
    await streamWithRetry(anthropic(urls), request([userText('go')]), { signal: NEVER_ABORTED, sleep: log.sleep, onRetry: log.onRetry, onDelta: () => {} });
    assert.deepEqual(log.delays, [3_000, RETRY_AFTER_CAP_MS]);
    assert.deepEqual(log.retries.map((r) => r.status), [429, 503]);
  });
});

test('without retry-after the backoff doubles, with full jitter under the cap', async () => {
  const faults: Fault[] = Array.from({ length: 4 }, () => ({ kind: 'status', status: 500 }) as const);
  await withServer({ turns: [{ text: 'ok', faults }] }, async (server) => {
    const log = recorder();
    const urls = { anthropic: server.anthropicBaseUrl, openai: server.openaiBaseUrl };
    await streamWithRetry(openai(urls), request([userText('go')]), {
      signal: NEVER_ABORTED,
      sleep: log.sleep,
      onDelta: () => {},
      baseDelayMs: 1_000,
      maxDelayMs: 5_000,
      random: () => 0.5,
    });
    assert.deepEqual(log.delays, [500, 1_000, 2_000, 2_500]);
  });
});

test('after the last attempt the error names the provider, the status, the attempts and what to do', async () => {
  const faults: Fault[] = Array.from({ length: 3 }, () => ({ kind: 'status', status: 503, message: 'upstream unavailable' }) as const);
  await withServer({ turns: [{ text: 'never', faults }] }, async (server) => {
    const urls = { anthropic: server.anthropicBaseUrl, openai: server.openaiBaseUrl };
    const log = recorder();
    const error = await failure(
      streamWithRetry(anthropic(urls), request([userText('go')]), { signal: NEVER_ABORTED, sleep: log.sleep, onDelta: () => {}, maxAttempts: 3 }),
    );
    assert.equal(error.kind, 'server');
    assert.equal(error.status, 503);
    assert.match(error.message, /Anthropic/);
    assert.match(error.message, /503/);
    assert.match(error.message, /upstream unavailable/);
    assert.match(error.message, /gave up after 3 attempts/);
    assert.match(error.message, /try again later/);
    assert.equal(server.requests.length, 3);
    assert.equal(log.retries.length, 0, 'no onRetry was passed; the sleep still ran');
    assert.equal(log.delays.length, 2);
  });
});

test('401 is not retried and says which key to check', async () => {
  await withServer({ turns: [{ text: 'never', faults: [{ kind: 'status', status: 401 }] }] }, async (server) => {
    const log = recorder();
    const urls = { anthropic: server.anthropicBaseUrl, openai: server.openaiBaseUrl };
    const error = await failure(streamWithRetry(anthropic(urls), request([userText('go')]), { signal: NEVER_ABORTED, sleep: log.sleep, onDelta: () => {} }));
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /ANTHROPIC_API_KEY/);
    assert.match(error.message, /1 attempt/);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(log.delays, []);
  });
});

test('a model the server does not serve is not retried and says to pass --model', async () => {
  await withServer({ turns: [{ text: 'never' }], models: ['qwen3-coder'] }, async (server) => {
    const log = recorder();
    const urls = { anthropic: server.anthropicBaseUrl, openai: server.openaiBaseUrl };
    const error = await failure(streamWithRetry(openai(urls), request([userText('go')]), { signal: NEVER_ABORTED, sleep: log.sleep, onDelta: () => {} }));
    assert.equal(error.kind, 'bad_request');
    assert.equal(error.status, 404);
    assert.match(error.message, /gpt-scripted/);
    assert.match(error.message, /pass --model/);
    assert.equal(server.requests.length, 1);
  });
});

test('cancelling during the backoff ends the turn as aborted without another request', async () => {
  await withServer({ turns: [{ text: 'never', faults: [{ kind: 'status', status: 500 }] }] }, async (server) => {
    const controller = new AbortController();
    const urls = { anthropic: server.anthropicBaseUrl, openai: server.openaiBaseUrl };
    const error = await failure(
      streamWithRetry(anthropic(urls), request([userText('go')]), {
        signal: controller.signal,
        onDelta: () => {},
        onRetry: () => controller.abort(),
      }),
    );
    assert.equal(error.kind, 'aborted');
    assert.equal(server.requests.length, 1);
  });
});

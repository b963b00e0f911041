/**
 * Cache anchors and caching off, end to end against the scripted server, which models the
 * Anthropic cache: a prefix is read only when it ends at a breakpoint of the request or at most
 * 20 blocks before one. After compaction trims old outputs in the middle of a long
 * conversation, only an anchor at the end of the unchanged part lets the request read it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnthropicProvider } from '../../src/model/anthropic.ts';
import type { Message, ModelRequest, Usage } from '../../src/model/types.ts';
import { NEVER_ABORTED, objectsWithKey, request, userText, withServer } from './provider-fixtures.ts';

const provider = (baseUrl: string) => createAnthropicProvider({ apiKey: 'test-key', baseUrl, model: 'claude-scripted-1', requestTimeoutMs: 5_000 });

/** A prompt and `turns` tool round trips, each result ~4 KB and different. */
function longConversation(turns: number): Message[] {
  const messages: Message[] = [userText('Survey the project.')];
  for (let i = 0; i < turns; i++) {
    const id = `toolu_${String(i).padStart(3, '0')}`;
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `Step ${i}: ${'I will look at the next file to see how totals are computed. '.repeat(4)}` }, { type: 'tool_use', id, name: 'read_file', input: { path: `f${i}.txt` } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', toolUseId: id, content: `file ${i}: ${'lorem ipsum '.repeat(340)}`, isError: false }] });
  }
  return messages;
}

/** Trims the results of messages [from, to) as compaction does: a short note in place of the output. */
function trimmed(messages: readonly Message[], from: number, to: number): Message[] {
  return messages.map((message, index) =>
    index < from || index >= to || message.role !== 'user'
      ? message
      : { role: 'user', content: message.content.map((block) => (block.type === 'tool_result' ? { ...block, content: '[output trimmed]' } : block)) },
  );
}

async function usageOf(requests: readonly ModelRequest[]): Promise<Usage[]> {
  const usages: Usage[] = [];
  await withServer({ turns: requests.map((_, i) => ({ text: `answer ${i}` })) }, async (server) => {
    const anthropic = provider(server.anthropicBaseUrl);
    for (const sent of requests) usages.push((await anthropic.streamTurn(sent, NEVER_ABORTED, () => {})).usage);
    assert.deepEqual(server.violations, []);
  });
  return usages;
}

test('after old outputs are trimmed, an anchor at the end of the unchanged part lets the request read it from the cache', async () => {
  const history = longConversation(30);
  // Turns 1-10 were trimmed earlier (their end, message 20, was anchored since); now 11-25 are.
  const earlier = trimmed(history, 0, 21);
  const now = trimmed(history, 0, 51);
  const anchored = (messages: Message[], anchors: number[]): ModelRequest => ({ ...request(messages), cacheAnchors: anchors });

  const [, withAnchor] = await usageOf([anchored(earlier, [20]), anchored(now, [20, 50])]);
  const [, without] = await usageOf([anchored(earlier, [20]), anchored(now, [])]);
  assert.ok(withAnchor !== undefined && without !== undefined);
  // Without the anchor, the unchanged part (more than 20 blocks before any breakpoint) is
  // written again; with it, it is read.
  // The unchanged part: the prompt and ten turns of reasoning and trimmed notes, ~1,000 tokens.
  assert.ok(withAnchor.cacheReadTokens > without.cacheReadTokens + 800, `with ${JSON.stringify(withAnchor)} without ${JSON.stringify(without)}`);
  assert.ok(withAnchor.cacheWriteTokens < without.cacheWriteTokens, `with ${JSON.stringify(withAnchor)} without ${JSON.stringify(without)}`);
});

test('at most 4 breakpoints however many anchors are named, and anchors that coincide are marked once', async () => {
  const history = longConversation(8);
  await withServer({ turns: [{ text: 'ok' }] }, async (server) => {
    await provider(server.anthropicBaseUrl).streamTurn({ ...request(history), cacheAnchors: [2, 4, 6, 8, 16] }, NEVER_ABORTED, () => {});
    assert.equal(objectsWithKey(server.requests[0]?.body, 'cache_control').length, 4);
  });
  await withServer({ turns: [{ text: 'ok' }] }, async (server) => {
    await provider(server.anthropicBaseUrl).streamTurn({ ...request(history), cacheAnchors: [16] }, NEVER_ABORTED, () => {});
    // system, the last message (which is the anchor), the previous user message
    assert.equal(objectsWithKey(server.requests[0]?.body, 'cache_control').length, 3);
  });
});

test('with caching off (context.promptCache: false), no breakpoint is sent and nothing is read from or written to the cache', async () => {
  const history = longConversation(4);
  const usages = await usageOf([{ ...request(history), promptCache: false }, { ...request(history), promptCache: false }]);
  for (const usage of usages) {
    assert.equal(usage.cacheReadTokens, 0);
    assert.equal(usage.cacheWriteTokens, 0);
    assert.ok(usage.inputTokens > 1_000);
  }
  await withServer({ turns: [{ text: 'ok' }] }, async (server) => {
    await provider(server.anthropicBaseUrl).streamTurn({ ...request(history), promptCache: false }, NEVER_ABORTED, () => {});
    assert.equal(objectsWithKey(server.requests[0]?.body, 'cache_control').length, 0);
  });
});

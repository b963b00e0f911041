/**
 * The compaction steps on their own: where the verbatim tail starts, trimming old large tool
 * outputs (alone, when that suffices), and the summary path with a real requester stand-in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compact, recentStart, trimNote } from '../../src/context/compaction.ts';
import type { Message, ModelTurn } from '../../src/model/types.ts';

function conversation(outputChars: number): Message[] {
  const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'task' }] }];
  for (let i = 0; i < 4; i++) {
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `c${i}`, name: 'read', input: { path: `f${i}` } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', toolUseId: `c${i}`, content: 'y'.repeat(outputChars), isError: false }] });
  }
  return messages;
}

const noSummary = (): Promise<ModelTurn> => Promise.reject(new Error('no summary expected'));

test('the verbatim tail starts at an assistant message, so a tool result keeps its call', () => {
  const messages = conversation(10);
  assert.equal(recentStart(messages, 4), 5);
  assert.equal(recentStart(messages, 3), 5);
  assert.equal(messages[recentStart(messages, 3)]?.role, 'assistant');
});

test('when trimming old large outputs is enough, only they change and the recent ones stay whole', async () => {
  const messages = conversation(40_000);
  const result = await compact({ messages, contextTokens: 170_000, contextWindow: 200_000, threshold: 0.8, summarise: noSummary });
  assert.ok(result !== null);
  assert.equal(result.replacedMessages, 0);
  assert.equal(result.trimmedOutputs, 2);
  assert.equal(result.messages.length, messages.length);
  const results = result.messages.flatMap((m) => (m.role === 'user' ? m.content.filter((b) => b.type === 'tool_result') : []));
  assert.deepEqual(results.map((b) => b.content.length), [trimNote(40_000).length, trimNote(40_000).length, 40_000, 40_000]);
  assert.equal(results[0]?.content, '[output trimmed: 40000 chars; re-run the call to see it]');
  assert.ok(result.tokensAfter < 160_000);
});

test('when trimming is not enough, the old part is replaced by the summary the model wrote', async () => {
  const messages = conversation(10);
  let asked = '';
  const result = await compact({
    messages,
    contextTokens: 170_000,
    contextWindow: 200_000,
    threshold: 0.8,
    summarise: (sent, _system, tools) => {
      asked = JSON.stringify(sent);
      assert.deepEqual(tools, []);
      return Promise.resolve({ content: [{ type: 'text', text: 'THE SUMMARY' }], stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    },
  });
  assert.ok(result !== null);
  assert.match(asked, /decisions made/i);
  assert.equal(result.replacedMessages, 5);
  assert.equal(result.keptMessages, 4);
  assert.match(JSON.stringify(result.messages[0]), /THE SUMMARY/);
  assert.deepEqual(result.messages.slice(1), messages.slice(5));
});

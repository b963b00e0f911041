/**
 * The prompt-cache simulation as the SDKs report it: Anthropic reads what earlier requests
 * wrote at their cache_control breakpoints; OpenAI reads any prefix it has seen before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, TextBlockParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { startScriptedServer } from './scripted-server.ts';

const breakpoint = { type: 'ephemeral' as const };
const tools: Tool[] = [
  { name: 'read_file', description: 'Read a file from the workspace.', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
];
const system = (text: string, cached: boolean): TextBlockParam[] => [
  { type: 'text', text, ...(cached ? { cache_control: breakpoint } : {}) },
];
const userText = (text: string, cached: boolean): MessageParam => ({
  role: 'user',
  content: [{ type: 'text', text, ...(cached ? { cache_control: breakpoint } : {}) }],
});
const SYSTEM = 'You are ward, a careful coding agent. '.repeat(40);

test('Anthropic cache reads grow as a conversation repeats its prefix', async () => {
  const server = await startScriptedServer({ turns: [{ text: 'First answer.' }, { text: 'Second.' }, { text: 'Third.' }, { text: 'Fourth.' }] });
  try {
    const client = new Anthropic({ baseURL: server.url, apiKey: 'test-key', maxRetries: 0 });
    const ask = (systemBlocks: TextBlockParam[], messages: MessageParam[]) =>
      client.messages.stream({ model: 'claude-scripted-1', max_tokens: 512, tools, system: systemBlocks, messages }).finalMessage();

    const first = await ask(system(SYSTEM, true), [userText('What does main.ts do?', true)]);
    assert.equal(first.usage.cache_read_input_tokens, 0);
    assert.ok((first.usage.cache_creation_input_tokens ?? 0) > 0, 'the first request writes its prefix');

    // The breakpoint moves to the newest message, as an agent loop moves it every turn.
    const second = await ask(system(SYSTEM, true), [
      userText('What does main.ts do?', false),
      { role: 'assistant', content: 'First answer.' },
      userText('And util.ts?', true),
    ]);
    const firstPrefix = (first.usage.cache_creation_input_tokens ?? 0) + (first.usage.cache_read_input_tokens ?? 0);
    assert.equal(second.usage.cache_read_input_tokens, firstPrefix, 'the whole first prompt is read back');
    assert.ok((second.usage.cache_creation_input_tokens ?? 0) > 0, 'the new turn is written');
    assert.equal(second.usage.input_tokens, 0, 'nothing after the last breakpoint');

    const uncached = await ask(system(SYSTEM, false), [userText('What does main.ts do?', false)]);
    assert.equal(uncached.usage.cache_read_input_tokens, 0, 'no breakpoint, no caching');
    assert.equal(uncached.usage.cache_creation_input_tokens, 0);
    assert.ok(uncached.usage.input_tokens > 100);

    const changedSystem = await ask(system(`${SYSTEM} Be terse.`, true), [userText('What does main.ts do?', true)]);
    assert.equal(changedSystem.usage.cache_read_input_tokens, 0, 'a different prefix misses');
    assert.deepEqual(server.violations, []);
  } finally {
    await server.close();
  }
});

test('OpenAI reports automatically cached prefix tokens inside prompt_tokens', async () => {
  const server = await startScriptedServer({ turns: [{ text: 'One.' }, { text: 'Two.' }] });
  try {
    const client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test-key', maxRetries: 0 });
    const conversation: ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'What does main.ts do?' },
    ];
    const usageOf = async (messages: ChatCompletionMessageParam[]) => {
      const stream = await client.chat.completions.create({
        model: 'gpt-scripted',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) usage = chunk.usage ?? usage;
      assert.ok(usage, 'a usage chunk arrived');
      return usage;
    };

    const first = await usageOf(conversation);
    assert.equal(first.prompt_tokens_details?.cached_tokens, 0);
    const second = await usageOf([...conversation, { role: 'assistant', content: 'One.' }, { role: 'user', content: 'And util.ts?' }]);
    assert.equal(second.prompt_tokens_details?.cached_tokens, first.prompt_tokens);
    assert.ok(second.prompt_tokens > first.prompt_tokens, 'prompt_tokens counts cached tokens too');
  } finally {
    await server.close();
  }
});

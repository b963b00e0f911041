import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigError,
  DEFAULT_ANTHROPIC_MODEL,
  DEFAULT_OPENAI_MODEL,
  configFromProbe,
  resolveProviderConfig,
} from '../../src/model/provider-config.ts';

test('ANTHROPIC_API_KEY picks Anthropic with the default Sonnet, and says why', () => {
  const config = resolveProviderConfig({ env: { ANTHROPIC_API_KEY: 'sk-ant-secret', OPENAI_API_KEY: 'sk-other' } });
  assert.ok(!('needsProbe' in config));
  assert.equal(config.provider, 'anthropic');
  assert.equal(config.model, DEFAULT_ANTHROPIC_MODEL);
  assert.equal(config.apiKey, 'sk-ant-secret');
  assert.equal(config.baseUrl, undefined);
  assert.match(config.source, /ANTHROPIC_API_KEY is set/);
  assert.doesNotMatch(config.source, /sk-ant-secret/);
});

test('ANTHROPIC_BASE_URL alone picks Anthropic without a key', () => {
  const config = resolveProviderConfig({ model: 'claude-opus-5-5', env: { ANTHROPIC_BASE_URL: 'http://gateway.internal:8080' } });
  assert.ok(!('needsProbe' in config));
  assert.deepEqual(
    { provider: config.provider, model: config.model, baseUrl: config.baseUrl, apiKey: config.apiKey },
    { provider: 'anthropic', model: 'claude-opus-5-5', baseUrl: 'http://gateway.internal:8080', apiKey: undefined },
  );
  assert.match(config.source, /ANTHROPIC_BASE_URL=http:\/\/gateway.internal:8080/);
});

test('OPENAI_API_KEY picks OpenAI with its default model', () => {
  const config = resolveProviderConfig({ env: { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: '' } });
  assert.ok(!('needsProbe' in config));
  assert.equal(config.provider, 'openai');
  assert.equal(config.model, DEFAULT_OPENAI_MODEL);
  assert.match(config.source, /OPENAI_API_KEY is set/);
});

test('--provider wins over the environment; an unknown one lists the valid values', () => {
  const config = resolveProviderConfig({ provider: 'openai', model: 'gpt-4.1', env: { ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: 'o' } });
  assert.ok(!('needsProbe' in config));
  assert.equal(config.provider, 'openai');
  assert.equal(config.apiKey, 'o');
  assert.throws(() => resolveProviderConfig({ provider: 'gemini', env: {} }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /--provider "gemini"/);
    assert.match(error.message, /anthropic, openai/);
    return true;
  });
});

test('--provider without its key and without a base URL names the variable to set', () => {
  assert.throws(() => resolveProviderConfig({ provider: 'anthropic', env: { OPENAI_API_KEY: 'o' } }), /ANTHROPIC_API_KEY/);
  assert.throws(() => resolveProviderConfig({ provider: 'openai', env: {} }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /OPENAI_API_KEY/);
    assert.match(error.message, /--base-url/);
    return true;
  });
});

test('a local server needs no key; with --model it is used directly', () => {
  const config = resolveProviderConfig({
    provider: 'openai',
    baseUrl: 'http://localhost:11434/v1',
    model: 'qwen3-coder',
    env: {},
  });
  assert.ok(!('needsProbe' in config));
  assert.deepEqual(
    { provider: config.provider, model: config.model, baseUrl: config.baseUrl, apiKey: config.apiKey },
    { provider: 'openai', model: 'qwen3-coder', baseUrl: 'http://localhost:11434/v1', apiKey: undefined },
  );
});

test('a local server without --model is asked for its models, and its first one is used', () => {
  const probe = resolveProviderConfig({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1' } });
  assert.ok('needsProbe' in probe);
  assert.equal(probe.baseUrl, 'http://127.0.0.1:1234/v1');
  const config = configFromProbe(probe, [{ name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1', models: ['qwen2.5-coder-7b', 'llama-3.2-3b'] }]);
  assert.equal(config?.model, 'qwen2.5-coder-7b');
  assert.equal(config?.provider, 'openai');
  assert.match(config?.source ?? '', /OPENAI_BASE_URL/);
});

test('nothing configured needs a probe; a probe that found nothing usable yields null', () => {
  const probe = resolveProviderConfig({ env: { ANTHROPIC_API_KEY: '  ' } });
  assert.deepEqual(probe, { needsProbe: true });
  assert.ok('needsProbe' in probe);
  assert.equal(configFromProbe(probe, []), null);
  assert.equal(configFromProbe(probe, [{ name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', models: [] }]), null);
  const found = configFromProbe(probe, [{ name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', models: ['qwen3-coder'] }]);
  assert.equal(found?.baseUrl, 'http://127.0.0.1:11434/v1');
  assert.match(found?.source ?? '', /found Ollama/);
});

test('--base-url alone means an OpenAI-compatible server; credentials in a URL stay out of source', () => {
  const probe = resolveProviderConfig({ baseUrl: 'http://user:hunter2@127.0.0.1:8000/v1', env: {} });
  assert.ok('needsProbe' in probe);
  assert.equal(probe.baseUrl, 'http://user:hunter2@127.0.0.1:8000/v1');
  assert.doesNotMatch(probe.source ?? '', /hunter2/);
});

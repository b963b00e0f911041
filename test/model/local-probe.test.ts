import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describeNoProviderHelp, probeLocalServers, probeServer } from '../../src/model/local-probe.ts';
import { startScriptedServer } from '../support/scripted-server.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a model server on a probed port is found with its models; a closed port is not', async () => {
  const server = await startScriptedServer({ turns: [], models: ['qwen3-coder', 'llama3.2'] });
  try {
    const port = Number(new URL(server.url).port);
    const nothing = await closedPort();
    const found = await probeLocalServers({
      ports: [
        { port: nothing, name: 'Nobody' },
        { port, name: 'Ollama' },
      ],
      timeoutMs: 2_000,
    });
    assert.deepEqual(found, [{ name: 'Ollama', baseUrl: `http://127.0.0.1:${port}/v1`, models: ['qwen3-coder', 'llama3.2'] }]);
    assert.equal(server.requests[0]?.path, '/v1/models');
  } finally {
    await server.close();
  }
});

test('nothing listening: the probe finds nothing', async () => {
  const found = await probeLocalServers({ ports: [{ port: await closedPort(), name: 'Ollama' }], timeoutMs: 500 });
  assert.deepEqual(found, []);
});

test('a server that answers with something other than a model list is not a model server', async () => {
  const server = await startScriptedServer({ turns: [] });
  try {
    // The scripted server has no /v1/nothing/models route: a 404 with an error body.
    assert.equal(await probeServer(`${server.url}/v1/nothing`, { timeoutMs: 2_000 }), null);
  } finally {
    await server.close();
  }
});

test('the help names both keys and a runnable local-server command line', () => {
  const help = describeNoProviderHelp();
  assert.match(help, /ANTHROPIC_API_KEY/);
  assert.match(help, /OPENAI_API_KEY/);
  assert.match(help, /--provider openai --base-url http:\/\/localhost:11434\/v1 --model qwen3-coder/);
  assert.match(help, /LM Studio/);
  assert.match(help, /vLLM/);
  assert.match(help, /llama\.cpp/);
});

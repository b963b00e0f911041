/**
 * How ward picks its model provider with little or nothing configured: a local server found on
 * its usual port, or a named server asked for its models. The tests that depend on what
 * listens on the usual local ports live in this one file, so they never run concurrently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptedServer } from '../support/scripted-server.ts';
import { connect, createServer } from 'node:net';
import { makeWorkspace, runWard } from '../support/run-ward.ts';

/** Which of these loopback ports accept a connection right now. */
async function listeningPorts(ports: readonly number[]): Promise<number[]> {
  const open = await Promise.all(
    ports.map(
      (port) =>
        new Promise<boolean>((resolve) => {
          const socket = connect({ port, host: '127.0.0.1' });
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
    ),
  );
  return ports.filter((_, index) => open[index] === true);
}

/** A loopback port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

test('with no key and no flag, ward finds a local server on the Ollama port, says so, and uses it', async (t) => {
  let server;
  try {
    server = await startScriptedServer({ turns: [{ text: 'Hello from the local model.' }], models: ['qwen3-coder'] }, { port: 11434 });
  } catch (error) {
    t.skip(`port 11434 is in use on this machine (${(error as Error).message}); cannot stand in for Ollama`);
    return;
  }
  const ws = makeWorkspace();
  try {
    const run = await runWard(['-p', 'hi'], { cwd: ws.project, env: { WARD_HOME: ws.home } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /found Ollama at http:\/\/127\.0\.0\.1:11434\/v1, using its first model qwen3-coder/);
    assert.equal(run.stdout.trim(), 'Hello from the local model.');
    const chat = server.requests.find((request) => request.api === 'openai' && request.method === 'POST');
    assert.equal((chat?.body as { model?: string }).model, 'qwen3-coder');
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('--base-url without --model asks that server for its models and uses the first', async () => {
  const server = await startScriptedServer({ turns: [{ text: 'ok' }], models: ['local-coder-7b', 'other'] });
  const ws = makeWorkspace();
  try {
    const run = await runWard(['-p', 'hi', '--provider', 'openai', '--base-url', server.openaiBaseUrl], { cwd: ws.project, env: { WARD_HOME: ws.home } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /using its first model local-coder-7b/);
    const port = await closedPort();
    const unreachable = await runWard(['-p', 'hi', '--provider', 'openai', '--base-url', `http://127.0.0.1:${port}/v1`], { cwd: ws.project, env: { WARD_HOME: ws.home } });
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, new RegExp(`nothing answered at http://127\\.0\\.0\\.1:${port}/v1 \\(ECONNREFUSED\\)\\n.*server is running`));
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('with nothing configured and no local server, ward prints exactly how to configure a provider', async (t) => {
  const busy = await listeningPorts([11434, 1234, 8000, 8080]);
  if (busy.length > 0) {
    t.skip(`something listens on ${busy.join(', ')} here (a local model server?), so "no local server" cannot be shown`);
    return;
  }
  const ws = makeWorkspace();
  try {
    const run = await runWard(['-p', 'x'], { cwd: ws.project, env: { WARD_HOME: ws.home } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /ANTHROPIC_API_KEY/);
    assert.match(run.stderr, /OPENAI_API_KEY/);
    assert.match(run.stderr, /--provider openai --base-url http:\/\/localhost:11434\/v1/);
  } finally {
    ws.cleanup();
  }
});

/**
 * Telemetry off by default and harmless when its collector is gone: with no OTEL variables
 * ward sends nothing and does not even load the SDK; a repository's own settings cannot turn
 * export on; a collector that refuses connections, or never answers, costs a warning, not the
 * session, and does not hold ward's exit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import type { WardEvent } from '../../src/events/schema.ts';
import { loadTranscript } from '../../src/session/transcript-reader.ts';
import { makeWorkspace, onlyTranscript, parseJsonLines, runWard, type Workspace } from '../support/run-ward.ts';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

async function withModel(run: (ws: Workspace, server: ScriptedServer) => Promise<void>, answers = 1): Promise<void> {
  const ws = makeWorkspace();
  const server = await startScriptedServer({ turns: Array.from({ length: answers }, () => ({ text: 'Hello from the scripted model.' })) });
  try {
    await run(ws, server);
  } finally {
    await server.close();
    ws.cleanup();
  }
}

const modelEnv = (ws: Workspace, server: ScriptedServer): Record<string, string> => ({ ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home });

/** A module hook, loaded through NODE_OPTIONS, that lists every module ward loads. */
function moduleLogEnv(ws: Workspace, name: string): { env: Record<string, string>; loaded: () => string[] } {
  const hook = join(ws.root, 'log-modules.mjs');
  const log = join(ws.root, `${name}.modules`);
  writeFileSync(
    hook,
    "import { registerHooks } from 'node:module';\nimport { appendFileSync } from 'node:fs';\n" +
      'registerHooks({ load(url, context, next) { appendFileSync(process.env.WARD_TEST_MODULE_LOG, url + "\\n"); return next(url, context); } });\n',
  );
  writeFileSync(log, '');
  return {
    env: { NODE_OPTIONS: `--import=${hook}`, WARD_TEST_MODULE_LOG: log },
    loaded: () => readFileSync(log, 'utf8').split('\n').filter((line) => line !== ''),
  };
}

const isTelemetryChunk = (url: string): boolean => /\/dist\/chunks\/sdk-session-[^/]+\.js$/.test(url);

/** Listens where an unconfigured OTLP exporter would send (localhost:4318), when that port is free. */
async function defaultCollector(): Promise<{ hits: string[]; close: () => Promise<void> } | null> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.end();
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(4318, '127.0.0.1', () => resolve(true));
  });
  if (!listening) return null;
  return { hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('with no OTEL variables nothing is sent, the SDK is never loaded, and ward works', async () => {
  await withModel(async (ws, server) => {
    const collector = await defaultCollector();
    try {
      const off = moduleLogEnv(ws, 'off');
      const run = await runWard(['-p', 'hi'], { cwd: ws.project, env: { ...modelEnv(ws, server), ...off.env } });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Hello from the scripted model/);
      assert.ok(off.loaded().some((url) => url.includes('/dist/chunks/headless-')), 'the module log works');
      assert.deepEqual(off.loaded().filter(isTelemetryChunk), []);
      assert.deepEqual(collector?.hits ?? [], []);

      // The same run with an endpoint does load it: the check above can fail.
      const receiver = await startOtlpReceiver();
      try {
        const on = moduleLogEnv(ws, 'on');
        const onRun = await runWard(['-p', 'hi again'], { cwd: ws.project, env: { ...modelEnv(ws, server), ...on.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
        assert.equal(onRun.code, 0, onRun.stderr);
        assert.equal(on.loaded().filter(isTelemetryChunk).length, 1);
        assert.ok(receiver.requests.length > 0);
      } finally {
        await receiver.close();
      }
    } finally {
      await collector?.close();
    }
  }, 2);
});

test("a project's own settings cannot turn telemetry on", async () => {
  await withModel(async (ws, server) => {
    const receiver = await startOtlpReceiver();
    try {
      mkdirSync(join(ws.project, '.ward'), { recursive: true });
      writeFileSync(join(ws.project, '.ward', 'settings.json'), JSON.stringify({ telemetry: { enabled: true, endpoint: receiver.url, includeContent: true } }));
      const run = await runWard(['-p', 'hi', '--trust-project'], { cwd: ws.project, env: modelEnv(ws, server) });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /telemetry is ignored/);
      assert.deepEqual(receiver.requests, []);
    } finally {
      await receiver.close();
    }
  });
});

test('a collector that refuses connections costs a warning in the transcript, not the session or the JSON output', async () => {
  await withModel(async (ws, server) => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const run = await runWard(['-p', 'hi', '--output-format', 'stream-json'], {
      cwd: ws.project,
      env: { ...modelEnv(ws, server), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
    });
    assert.equal(run.code, 0, run.stderr);
    const lines = parseJsonLines(run.stdout);
    assert.equal(lines.at(-1)?.type, 'result', 'the summary object stays the last line');
    assert.equal(lines.at(-1)?.result, 'Hello from the scripted model.');
    const events: readonly WardEvent[] = loadTranscript(onlyTranscript(ws.home)).events;
    const warnings = events.filter((event) => event.type === 'warning').map((event) => (event.type === 'warning' ? event.message : ''));
    assert.ok(
      warnings.some((message) => message.startsWith('telemetry:') && message.includes(`127.0.0.1:${port}`) && /failed|did not finish/.test(message)),
      warnings.join('\n'),
    );
  });
});

test('a collector that accepts and never answers does not hold ward: it exits, with a warning', { timeout: 60_000 }, async () => {
  await withModel(async (ws, server) => {
    // Takes connections and reads nothing back: every export waits until ward gives up on it.
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const run = await runWard(['-p', 'hi'], { cwd: ws.project, env: { ...modelEnv(ws, server), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Hello from the scripted model/);
      assert.match(run.stderr, new RegExp(`warning: telemetry: .*127\\.0\\.0\\.1:${port}`));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

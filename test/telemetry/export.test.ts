/**
 * OpenTelemetry end to end: the real `ward -p` (built) runs a scripted session against the
 * scripted model server and exports to a real OTLP/HTTP receiver on loopback; the tests decode
 * what arrived. No prompt, file content or header value may be in any export by default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventOf, WardEvent } from '../../src/events/schema.ts';
import { loadTranscript } from '../../src/session/transcript-reader.ts';
import { makeWorkspace, onlyTranscript, runWard, type Workspace } from '../support/run-ward.ts';
import type { Script } from '../support/script.ts';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.ts';
import { receivedLogs, receivedMetrics, receivedSpans, startOtlpReceiver, type MetricPoint, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.ts';

const canary = (what: string): string => `${what}-CANARY-${randomBytes(6).toString('hex')}`;

interface Setup {
  readonly ws: Workspace;
  readonly server: ScriptedServer;
  readonly receiver: OtlpReceiver;
}

async function withSetup(script: Script, run: (setup: Setup) => Promise<void>): Promise<void> {
  const ws = makeWorkspace();
  const server = await startScriptedServer(script);
  const receiver = await startOtlpReceiver();
  try {
    await run({ ws, server, receiver });
  } finally {
    await receiver.close();
    await server.close();
    ws.cleanup();
  }
}

function modelEnv({ ws, server }: Setup): Record<string, string> {
  return { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', WARD_HOME: ws.home };
}

function transcriptEvents(ws: Workspace): WardEvent[] {
  return [...loadTranscript(onlyTranscript(ws.home)).events];
}

function eventsOf<T extends WardEvent['type']>(events: readonly WardEvent[], type: T): EventOf<T>[] {
  return events.filter((event): event is EventOf<T> => event.type === type);
}

function allBodies(receiver: OtlpReceiver): string {
  return receiver.requests.map((request) => request.body.toString('utf8')).join('\n');
}

function points(metrics: readonly MetricPoint[], name: string, attributes: Record<string, unknown> = {}): MetricPoint[] {
  return metrics.filter((point) => point.name === name && Object.entries(attributes).every(([key, value]) => point.attributes[key] === value));
}

function only<T>(items: readonly T[], what: string): T {
  assert.equal(items.length, 1, `expected exactly one ${what}, got ${items.length}`);
  return items[0]!;
}

const USAGE_1 = { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 300, cacheWriteTokens: 40 };
const USAGE_2 = { inputTokens: 1500, outputTokens: 25, cacheReadTokens: 900, cacheWriteTokens: 0 };
const allInput = (usage: typeof USAGE_1): number => usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;

test('a session exports spans, metrics and logs over OTLP/HTTP JSON, without prompt, file content or secrets', async () => {
  const prompt = canary('PROMPT');
  const fileText = canary('FILE');
  const answer = canary('ANSWER');
  const apiKey = canary('KEY');
  const script: Script = {
    turns: [
      {
        text: 'Let me look.',
        toolCalls: [
          { name: 'read', input: { path: 'notes.txt' } },
          { name: 'bash', input: { command: 'printenv' } },
          { name: 'bash', input: { command: 'rm notes.txt' } },
        ],
        usage: USAGE_1,
      },
      { text: `All done: ${answer}`, usage: USAGE_2 },
    ],
  };
  await withSetup(script, async (setup) => {
    const { ws, receiver, server } = setup;
    writeFileSync(join(ws.project, 'notes.txt'), `${fileText}\n`);
    const run = await runWard(['-p', `summarise notes.txt ${prompt}`, '--disallowed-tools', 'bash(rm:*)'], {
      cwd: ws.project,
      env: {
        ...modelEnv(setup),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${apiKey},x-team=ward%20tests`,
        OTEL_SERVICE_NAME: 'ward-under-test',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
      },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /All done/);
    const events = transcriptEvents(ws);
    const started = only(eventsOf(events, 'session_started'), 'session_started');

    // Every export carried the configured headers; none of them carried the canaries.
    assert.deepEqual([...new Set(receiver.requests.map((request) => `${request.method} ${request.path}`))].sort(), ['POST /v1/logs', 'POST /v1/metrics', 'POST /v1/traces']);
    for (const request of receiver.requests) {
      assert.equal(request.headers['x-api-key'], apiKey);
      assert.equal(request.headers['x-team'], 'ward tests');
      assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    }
    const bodies = allBodies(receiver);
    for (const secret of [prompt, fileText, answer, apiKey]) assert.ok(!bodies.includes(secret), `${secret.split('-')[0] ?? ''} appears in an export`);
    // ward registers no global tracer, so the Anthropic SDK adds no trace headers to model requests.
    assert.ok(server.requests.every((request) => request.headers.traceparent === undefined));

    const spans = receivedSpans(receiver);
    const session = only(spans.filter((span) => span.name === 'invoke_agent ward'), 'session span');
    assert.ok(!session.parentSpanId, 'the session span is the root');
    assert.ok(spans.every((span) => span.traceId === session.traceId), 'one trace per session');
    assert.equal(session.resource['service.name'], 'ward-under-test');
    assert.equal(session.resource['deployment.environment'], 'test');
    assert.equal(session.attributes['session.id'], started.sessionId);
    assert.equal(session.attributes['ward.session.end_reason'], 'completed');
    assert.equal(session.attributes['gen_ai.usage.input_tokens'], allInput(USAGE_1) + allInput(USAGE_2));
    assert.equal(session.attributes['gen_ai.usage.output_tokens'], USAGE_1.outputTokens + USAGE_2.outputTokens);

    const turns = [1, 2].map((n) => only(spans.filter((span) => span.name === `turn ${n}`), `turn ${n} span`));
    for (const turn of turns) assert.equal(turn.parentSpanId, session.spanId);
    const chats = spans.filter((span) => span.name === `chat ${started.model}`);
    assert.equal(chats.length, 2);
    for (const [index, usage] of [USAGE_1, USAGE_2].entries()) {
      const chat = only(chats.filter((span) => span.attributes['ward.turn'] === index + 1), `model span of turn ${index + 1}`);
      assert.equal(chat.parentSpanId, turns[index]?.spanId);
      assert.equal(chat.attributes['gen_ai.system'], 'anthropic');
      assert.equal(chat.attributes['gen_ai.request.model'], started.model);
      assert.equal(chat.attributes['gen_ai.usage.input_tokens'], allInput(usage));
      assert.equal(chat.attributes['gen_ai.usage.output_tokens'], usage.outputTokens);
      assert.equal(chat.attributes['gen_ai.usage.cache_read.input_tokens'], usage.cacheReadTokens);
      assert.equal(chat.attributes['gen_ai.usage.cache_creation.input_tokens'], usage.cacheWriteTokens);
    }

    // Tool spans agree with the transcript: decision, sandbox, status, exit code.
    const toolSpans = spans.filter((span) => span.name.startsWith('execute_tool '));
    assert.equal(toolSpans.length, 3);
    const byCall = new Map<string, ReceivedSpan>(toolSpans.map((span) => [String(span.attributes['gen_ai.tool.call.id']), span]));
    for (const proposed of eventsOf(events, 'tool_proposed')) {
      const span = byCall.get(proposed.callId);
      assert.ok(span !== undefined, `no span for ${proposed.tool} call ${proposed.callId}`);
      assert.equal(span.parentSpanId, turns[0]?.spanId);
      const decision = eventsOf(events, 'tool_decision').find((event) => event.callId === proposed.callId);
      const startedTool = eventsOf(events, 'tool_started').find((event) => event.callId === proposed.callId);
      const finished = eventsOf(events, 'tool_finished').find((event) => event.callId === proposed.callId);
      assert.equal(span.attributes['ward.decision'], decision?.decision);
      assert.equal(span.attributes['ward.tool.status'], finished?.status);
      assert.equal(span.attributes['ward.tool.sandboxed'], startedTool === undefined ? undefined : startedTool.sandbox !== undefined && startedTool.sandbox !== 'none');
      assert.equal(span.attributes['ward.tool.exit_code'], typeof finished?.exitCode === 'number' ? finished.exitCode : undefined);
      assert.equal(span.attributes['gen_ai.tool.call.arguments'], undefined);
      assert.equal(span.attributes['gen_ai.tool.call.result'], undefined);
    }
    const read = only(toolSpans.filter((span) => span.attributes['gen_ai.tool.name'] === 'read'), 'read span');
    assert.equal(read.attributes['ward.decision'], 'allow');
    assert.equal(read.attributes['ward.tool.sandboxed'], false);
    const rm = only(toolSpans.filter((span) => span.attributes['ward.decision'] === 'deny'), 'denied span');
    assert.equal(rm.attributes['ward.decision.source'], '--disallowed-tools');
    assert.equal(rm.attributes['ward.tool.status'], 'denied');

    // Metrics: tokens by kind, tool calls by decision, denials, sessions.
    const metrics = receivedMetrics(receiver);
    const tokens = (kind: string): number => only(points(metrics, 'ward.tokens', { 'gen_ai.token.type': kind }), `${kind} token count`).value;
    assert.equal(tokens('input'), USAGE_1.inputTokens + USAGE_2.inputTokens);
    assert.equal(tokens('output'), USAGE_1.outputTokens + USAGE_2.outputTokens);
    assert.equal(tokens('cache_read'), USAGE_1.cacheReadTokens + USAGE_2.cacheReadTokens);
    assert.equal(tokens('cache_creation'), USAGE_1.cacheWriteTokens + USAGE_2.cacheWriteTokens);
    assert.equal(only(points(metrics, 'ward.tool.calls', { 'gen_ai.tool.name': 'read', 'ward.decision': 'allow', 'ward.tool.status': 'ok' }), 'read calls').value, 1);
    assert.equal(only(points(metrics, 'ward.tool.calls', { 'gen_ai.tool.name': 'bash', 'ward.decision': 'deny' }), 'denied bash calls').value, 1);
    assert.equal(points(metrics, 'ward.tool.calls').reduce((sum, point) => sum + point.value, 0), 3);
    assert.equal(only(points(metrics, 'ward.permission.denials', { 'ward.denied_by': 'policy' }), 'policy denials').value, 1);
    assert.equal(only(points(metrics, 'gen_ai.client.operation.duration'), 'model latency').count, 2);
    assert.equal(only(points(metrics, 'ward.context.tokens'), 'context size').value, allInput(USAGE_2));
    assert.equal(only(points(metrics, 'ward.sessions', { 'ward.session.end_reason': 'completed' }), 'sessions').value, 1);

    // Logs: the denial, tied to the denied call's span.
    const denial = only(receivedLogs(receiver).filter((log) => log.eventName === 'ward.tool.decision' && log.attributes['ward.decision'] === 'deny'), 'denial log');
    assert.equal(denial.severityText, 'WARN');
    assert.equal(denial.spanId, rm.spanId);
    assert.equal(denial.attributes['ward.decision.reason'], 'denied by rule bash(rm:*)');

    // The header variable never reached the command, and its value is in no event.
    const printenv = eventsOf(events, 'tool_finished').find((event) => event.callId === eventsOf(events, 'tool_proposed')[1]?.callId);
    assert.ok(printenv !== undefined && !printenv.output.includes('OTEL_'), printenv?.output);
    assert.ok(!JSON.stringify(events).includes(apiKey));
  });
});

test('http/protobuf exports arrive with the protobuf content type, without the prompt', async () => {
  const prompt = canary('PROMPT');
  await withSetup({ turns: [{ text: 'Hello.' }] }, async (setup) => {
    const { receiver } = setup;
    const run = await runWard(['-p', prompt], {
      cwd: setup.ws.project,
      env: { ...modelEnv(setup), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
    });
    assert.equal(run.code, 0, run.stderr);
    const traces = receiver.requests.filter((request) => request.path === '/v1/traces');
    assert.ok(traces.length > 0, 'no traces arrived');
    for (const request of receiver.requests) {
      assert.equal(request.headers['content-type'], 'application/x-protobuf');
      assert.ok(request.body.length > 0);
    }
    // Protobuf keeps strings as UTF-8: the span names are there, the prompt is not.
    assert.ok(traces.some((request) => request.body.includes('invoke_agent ward')));
    assert.ok(!receiver.requests.some((request) => request.body.includes(prompt)));
  });
});

test('includeContent in user settings adds the prompt and tool results; settings alone turn export on', async () => {
  const prompt = canary('PROMPT');
  const fileText = canary('FILE');
  const script: Script = { turns: [{ toolCalls: [{ name: 'read', input: { path: 'notes.txt' } }] }, { text: 'Read it.' }] };
  await withSetup(script, async (setup) => {
    const { ws, receiver } = setup;
    writeFileSync(join(ws.project, 'notes.txt'), `${fileText}\n`);
    mkdirSync(ws.home, { recursive: true });
    writeFileSync(join(ws.home, 'settings.json'), JSON.stringify({ telemetry: { endpoint: receiver.url, protocol: 'http/json', includeContent: true } }));
    const run = await runWard(['-p', prompt], { cwd: ws.project, env: modelEnv(setup) });
    assert.equal(run.code, 0, run.stderr);
    const read = only(receivedSpans(receiver).filter((span) => span.name === 'execute_tool read'), 'read span');
    assert.match(String(read.attributes['gen_ai.tool.call.result']), new RegExp(fileText));
    assert.deepEqual(JSON.parse(String(read.attributes['gen_ai.tool.call.arguments'])), { path: 'notes.txt' });
    assert.ok(receivedLogs(receiver).some((log) => log.eventName === 'ward.user_message' && log.body === prompt));
  });
});

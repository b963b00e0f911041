/**
 * A model server on loopback that plays a script (see script.ts) over the real Anthropic
 * Messages and OpenAI Chat Completions wire formats, so ward's provider code runs the official
 * SDKs against it unchanged. It injects the faults the script asks for, records every request,
 * and records every broken tool-call pairing it is sent as a violation for tests to assert on.
 *
 * Faults with no exact counterpart: on OpenAI, `overloaded_event` is a mid-stream data line
 * carrying `error` (how OpenAI reports failures inside a stream). On a non-streaming request,
 * `overloaded_event` is a 529 (Anthropic) / 503 (OpenAI), and the other stream faults send half
 * the JSON body, then reset the socket or end the response.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { scriptSchema, type ParsedScript, type Script } from './script.ts';
import { anthropicAdapter, openaiAdapter, type ApiAdapter, type ApiName } from './scripted/api-adapters.ts';
import { checkToolPairing } from './scripted/conversation-check.ts';
import { flatHeaders, readBody, sendJson, waitUnlessGone, writeChunk } from './scripted/http-io.ts';
import { PrefixCache } from './scripted/prompt-cache.ts';
import { ScriptPlayer, type Play } from './scripted/script-player.ts';
import { estimateTokens, outputChars, type PlannedTurn, type StreamPlan } from './scripted/wire-util.ts';

export type RequestOutcome =
  | 'turn'
  | `fault:${ParsedScript['turns'][number]['faults'][number]['kind']}`
  | 'client_gone'
  | 'model_rejected'
  | 'invalid_request'
  | 'script_exhausted'
  | 'model_list'
  | 'unknown_route';

export interface RecordedRequest {
  readonly api: ApiName;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; the raw text when it did not parse; null for GET. */
  readonly body: unknown;
  /** The script turn this request was played against (its fault or the turn itself). */
  turnIndex: number | null;
  outcome: RequestOutcome;
}

export interface ScriptedServer {
  readonly url: string;
  readonly anthropicBaseUrl: string;
  readonly openaiBaseUrl: string;
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  remainingTurns(): number;
  /** Stops at once: open streams and keep-alive sockets are destroyed. */
  close(): Promise<void>;
}

export interface ScriptedServerOptions {
  readonly host?: string;
  readonly port?: number;
}

const DEFAULT_MODELS = ['scripted-model'];

type ParsedTurn = ParsedScript['turns'][number];
/** The faults that shape the response itself rather than refusing or delaying it. */
type StreamFault = Extract<ParsedTurn['faults'][number], { kind: 'reset_mid_stream' | 'truncated_stream' | 'overloaded_event' }>;

interface Exchange {
  readonly res: ServerResponse;
  readonly record: RecordedRequest;
  readonly number: number;
}

export async function startScriptedServer(script: Script, options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const parsed = scriptSchema.safeParse(script);
  if (!parsed.success) throw new Error(`invalid script:\n${z.prettifyError(parsed.error)}`);
  const host = options.host ?? '127.0.0.1';
  const state = new ServerState(parsed.data);

  const server = createServer((req, res) => {
    state.handle(req, res).catch((error: unknown) => {
      state.violations.push(`scripted server failed on ${req.method ?? '?'} ${req.url ?? '?'}: ${String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    anthropicBaseUrl: url,
    openaiBaseUrl: `${url}/v1`,
    requests: state.requests,
    violations: state.violations,
    remainingTurns: () => state.player.remainingTurns(),
    close: () => {
      state.stop.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

class ServerState {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly player: ScriptPlayer;
  readonly stop = new AbortController();
  readonly #script: ParsedScript;
  readonly #caches = { anthropic: new PrefixCache('breakpoints'), openai: new PrefixCache('automatic') };

  constructor(script: ParsedScript) {
    this.#script = script;
    this.player = new ScriptPlayer(script);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const headers = flatHeaders(req);
    const rawBody = await readBody(req);
    const route = routeOf(method, path);
    // Both APIs list models at /v1/models; only Anthropic's SDK sends anthropic-version.
    const looksAnthropic = headers['anthropic-version'] !== undefined || path.includes('messages');
    const api: ApiName = route?.kind === 'completion' ? route.api : looksAnthropic ? 'anthropic' : 'openai';
    const record: RecordedRequest = { api, method, path, headers, body: parseJson(rawBody), turnIndex: null, outcome: 'turn' };
    this.requests.push(record);
    const exchange: Exchange = { res, record, number: this.requests.length };

    if (route === undefined) {
      record.outcome = 'unknown_route';
      this.#violation(exchange, `no such endpoint ${method} ${path}`);
      sendJson(res, 404, { error: { message: `scripted model server: no endpoint ${method} ${path}` } });
      return;
    }
    if (route.kind === 'models') {
      record.outcome = 'model_list';
      const adapter = api === 'anthropic' ? anthropicAdapter : openaiAdapter;
      sendJson(res, 200, adapter.modelList(this.#script.models ?? DEFAULT_MODELS));
      return;
    }
    if (route.api === 'anthropic') await this.#handleCompletion(exchange, anthropicAdapter);
    else await this.#handleCompletion(exchange, openaiAdapter);
  }

  async #handleCompletion<Request extends { model: string }>(exchange: Exchange, adapter: ApiAdapter<Request>): Promise<void> {
    const { res, record } = exchange;
    const requestId = adapter.newRequestId();
    const idHeader = { [adapter.requestIdHeader]: requestId };

    const request = adapter.requestSchema.safeParse(record.body);
    if (!request.success) {
      record.outcome = 'invalid_request';
      const problem = z.prettifyError(request.error);
      this.#violation(exchange, `malformed request body: ${problem}`);
      sendJson(res, 400, adapter.errorBody(400, requestId, problem), idHeader);
      return;
    }
    for (const problem of checkToolPairing(adapter.conversationSteps(request.data), adapter.vocabulary)) {
      this.#violation(exchange, problem);
    }
    const models = this.#script.models;
    if (models !== undefined && !models.includes(request.data.model)) {
      record.outcome = 'model_rejected';
      sendJson(res, 404, adapter.modelNotFound(request.data.model, requestId), idHeader);
      return;
    }

    const play = this.player.next();
    if (play.kind === 'exhausted') {
      record.outcome = 'script_exhausted';
      const message = `scripted model server: the script ran out after ${play.turnsServed} turns; request #${exchange.number} has no turn to play`;
      this.#violation(exchange, 'the script ran out of turns');
      sendJson(res, 500, adapter.errorBody(500, requestId, message), idHeader);
      return;
    }
    record.turnIndex = play.turnIndex;
    await this.#play(exchange, adapter, request.data, play, requestId);
  }

  async #play<Request extends { model: string }>(
    exchange: Exchange,
    adapter: ApiAdapter<Request>,
    request: Request,
    play: Exclude<Play, { kind: 'exhausted' }>,
    requestId: string,
  ): Promise<void> {
    const { res, record } = exchange;
    const idHeader = { [adapter.requestIdHeader]: requestId };
    const fault = play.kind === 'fault' ? play.fault : undefined;
    record.outcome = fault === undefined ? 'turn' : `fault:${fault.kind}`;

    if (fault?.kind === 'status') {
      const retryAfter: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      sendJson(res, fault.status, adapter.errorBody(fault.status, requestId, fault.message), { ...idHeader, ...retryAfter });
      return;
    }
    if (fault?.kind === 'slow_first_byte') {
      const stillThere = await waitUnlessGone(res, fault.delayMs, this.stop.signal);
      if (!stillThere) {
        record.outcome = 'client_gone';
        return;
      }
      // A patient client got its answer, so the turn counts as served (see script-player.ts).
      record.outcome = 'turn';
    }

    const turn = this.#planTurn(adapter, request, play.turn);
    if (fault === undefined || fault.kind === 'slow_first_byte') this.player.markServed(play.turnIndex);
    const streamFault = fault === undefined || fault.kind === 'slow_first_byte' ? undefined : fault;
    if (adapter.wantsStream(request)) {
      await sendStream(res, adapter.stream(turn, request), streamFault, adapter.midStreamError(requestId), idHeader);
    } else {
      await this.#sendPlain(res, adapter, adapter.message(turn), streamFault, requestId);
    }
  }

  async #sendPlain<Request extends { model: string }>(
    res: ServerResponse,
    adapter: ApiAdapter<Request>,
    message: unknown,
    fault: StreamFault | undefined,
    requestId: string,
  ): Promise<void> {
    const idHeader = { [adapter.requestIdHeader]: requestId };
    if (fault === undefined) {
      sendJson(res, 200, message, idHeader);
    } else if (fault.kind === 'overloaded_event') {
      sendJson(res, adapter.overloadedStatus, adapter.errorBody(adapter.overloadedStatus, requestId), idHeader);
    } else {
      // Stream faults on a plain response: half the JSON, then a reset or a clean end.
      const body = JSON.stringify(message);
      res.writeHead(200, { ...idHeader, 'content-type': 'application/json' });
      await writeChunk(res, body.slice(0, Math.floor(body.length / 2)));
      if (fault.kind === 'reset_mid_stream') res.destroy();
      else res.end();
    }
  }

  #planTurn<Request extends { model: string }>(adapter: ApiAdapter<Request>, request: Request, turn: ParsedTurn): PlannedTurn {
    const toolCalls = turn.toolCalls.map((call) => ({
      id: call.id ?? adapter.newToolCallId(),
      name: call.name,
      argumentsJson: call.rawArguments ?? JSON.stringify(call.input),
    }));
    const cache = this.#caches[adapter.api].measure(request.model, adapter.promptSegments(request));
    const scripted = turn.usage ?? {};
    return {
      model: request.model,
      text: turn.text,
      toolCalls,
      stopReason: turn.stopReason ?? (toolCalls.length > 0 ? 'tool_use' : 'end_turn'),
      usage: {
        inputTokens: scripted.inputTokens ?? cache.totalTokens - cache.cacheReadTokens - cache.cacheWriteTokens,
        outputTokens: scripted.outputTokens ?? Math.max(1, estimateTokens(outputChars({ text: turn.text, toolCalls }))),
        cacheReadTokens: scripted.cacheReadTokens ?? cache.cacheReadTokens,
        cacheWriteTokens: scripted.cacheWriteTokens ?? cache.cacheWriteTokens,
      },
    };
  }

  #violation(exchange: Exchange, problem: string): void {
    this.violations.push(`request #${exchange.number} (${exchange.record.api} ${exchange.record.path}): ${problem}`);
  }
}

type Route = { readonly kind: 'completion'; readonly api: ApiName } | { readonly kind: 'models' };

/** Writes a stream event by event, cutting it where the fault says. */
async function sendStream(
  res: ServerResponse,
  plan: StreamPlan,
  fault: StreamFault | undefined,
  midStreamError: string,
  headers: Record<string, string>,
): Promise<void> {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  // The 200 goes out before any event, as with the real services, so even a reset after
  // zero events is a failure inside an accepted stream rather than a refused connection.
  res.flushHeaders();
  const { events } = plan;
  const complete = events.length - plan.finalEventCount;
  let toSend: readonly string[] = events;
  if (fault?.kind === 'reset_mid_stream') toSend = events.slice(0, Math.min(fault.afterEvents, events.length - 1));
  if (fault?.kind === 'truncated_stream') toSend = events.slice(0, complete);
  if (fault?.kind === 'overloaded_event') toSend = [...events.slice(0, Math.min(fault.afterEvents, complete)), midStreamError];
  for (const event of toSend) await writeChunk(res, event);
  if (fault?.kind === 'reset_mid_stream') res.destroy();
  else res.end();
}

function routeOf(method: string, path: string): Route | undefined {
  const bare = path.replace(/\/+$/, '').replace(/^\/v1(?=\/)/, '');
  if (method === 'POST' && bare === '/messages') return { api: 'anthropic', kind: 'completion' };
  if (method === 'POST' && bare === '/chat/completions') return { api: 'openai', kind: 'completion' };
  if (method === 'GET' && bare === '/models') return { kind: 'models' };
  return undefined;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Finds OpenAI-compatible model servers on this machine, for when nothing is configured.
 *
 * Each candidate is asked for GET /v1/models on loopback, all at once, each with a short
 * timeout, so a machine with nothing running answers in about `timeoutMs`. Replies are
 * network input and are read through zod; anything that is not a model list is skipped.
 */
import { z } from 'zod';

export interface LocalServerCandidate {
  readonly port: number;
  readonly name: string;
}

export interface ProbedServer {
  readonly name: string;
  /** The OpenAI-compatible base URL, ready for --base-url: http://127.0.0.1:PORT/v1 */
  readonly baseUrl: string;
  /** Model ids in the order the server listed them; may be empty (nothing loaded). */
  readonly models: string[];
}

export type FetchLike = (url: string, init: { signal: AbortSignal; headers?: Record<string, string> }) => Promise<Response>;

export const DEFAULT_LOCAL_SERVERS: readonly LocalServerCandidate[] = [
  { port: 11434, name: 'Ollama' },
  { port: 1234, name: 'LM Studio' },
  { port: 8000, name: 'vLLM' },
  { port: 8080, name: 'llama.cpp server' },
];

export const DEFAULT_PROBE_TIMEOUT_MS = 800;

const modelListSchema = z.object({
  data: z.array(z.object({ id: z.string().min(1) })),
});

export async function probeLocalServers(options: {
  readonly ports?: readonly LocalServerCandidate[];
  readonly timeoutMs?: number;
  readonly fetch?: FetchLike;
}): Promise<ProbedServer[]> {
  const candidates = options.ports ?? DEFAULT_LOCAL_SERVERS;
  const found = await Promise.all(
    candidates.map((candidate) =>
      probeServer(`http://127.0.0.1:${candidate.port}/v1`, {
        name: candidate.name,
        timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      }),
    ),
  );
  return found.filter((server): server is ProbedServer => server !== null);
}

/** Asks one OpenAI-compatible server for its models; null when it does not answer as one. */
export async function probeServer(
  baseUrl: string,
  options: {
    readonly name?: string;
    readonly timeoutMs?: number;
    readonly apiKey?: string | undefined;
    readonly fetch?: FetchLike;
  },
): Promise<ProbedServer | null> {
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const root = baseUrl.replace(/\/+$/, '');
  try {
    const response = await fetchImpl(`${root}/models`, {
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS),
      ...(options.apiKey !== undefined ? { headers: { authorization: `Bearer ${options.apiKey}` } } : {}),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const parsed = modelListSchema.safeParse(await response.json());
    if (!parsed.success) return null;
    return { name: options.name ?? root, baseUrl: root, models: parsed.data.data.map((model) => model.id) };
  } catch {
    // Refused, timed out, not JSON: not a model server, which is the common answer.
    return null;
  }
}

export type ModelListing =
  | { readonly kind: 'models'; readonly models: string[] }
  /** The server answered, but not with a model list (many gateways and some servers do not list). */
  | { readonly kind: 'no-list'; readonly detail: string }
  | { readonly kind: 'unreachable'; readonly detail: string };

/** Asks a named server for its models, telling "nobody answered" apart from "no list". */
export async function listServerModels(baseUrl: string, options: { timeoutMs: number; apiKey?: string | undefined }): Promise<ModelListing> {
  const root = baseUrl.replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${root}/models`, {
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.apiKey !== undefined ? { headers: { authorization: `Bearer ${options.apiKey}` } } : {}),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'unreachable', detail: cause?.code ?? cause?.message ?? (error as Error).message };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { kind: 'no-list', detail: `HTTP ${response.status}` };
  }
  try {
    const parsed = modelListSchema.safeParse(await response.json());
    if (parsed.success && parsed.data.data.length > 0) return { kind: 'models', models: parsed.data.data.map((model) => model.id) };
    return { kind: 'no-list', detail: parsed.success ? 'an empty model list' : 'not a model list' };
  } catch {
    return { kind: 'no-list', detail: 'not JSON' };
  }
}

/** Printed when no provider is configured and no local server answered. */
export function describeNoProviderHelp(): string {
  return [
    'ward needs a model provider, and none is configured.',
    '',
    'Use one of these:',
    '',
    '  Anthropic:  export ANTHROPIC_API_KEY=sk-ant-...',
    '  OpenAI:     export OPENAI_API_KEY=sk-...',
    '',
    '  A local OpenAI-compatible server (no key needed), for example:',
    '    Ollama:      ollama pull qwen3-coder && ollama serve',
    '                 ward --provider openai --base-url http://localhost:11434/v1 --model qwen3-coder',
    '    LM Studio:   load a model and start the server (Developer tab), then',
    '                 ward --provider openai --base-url http://localhost:1234/v1 --model <model id>',
    '    vLLM:        vllm serve <model>',
    '                 ward --provider openai --base-url http://localhost:8000/v1 --model <model>',
    '    llama.cpp:   llama-server -m <model.gguf> --port 8080 --jinja',
    '                 ward --provider openai --base-url http://localhost:8080/v1 --model <model>',
    '',
    'ward looked for a local server on ports 11434 (Ollama), 1234 (LM Studio), 8000 (vLLM)',
    'and 8080 (llama.cpp) and found none with a model loaded.',
    'Set OPENAI_BASE_URL or ANTHROPIC_BASE_URL to use another endpoint without flags.',
  ].join('\n');
}

/**
 * Shared pieces for the provider tests: a realistic request, a scripted server per test,
 * and a collector for what a user would see stream by.
 */
import type { Script } from '../support/script.ts';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.ts';
import type { Message, ModelRequest, StreamDelta, ToolSpec } from '../../src/model/types.ts';

export const READ_FILE: ToolSpec = {
  name: 'read_file',
  description: 'Read a file in the workspace.',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

export const LIST_DIR: ToolSpec = {
  name: 'list_dir',
  description: 'List a directory in the workspace.',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

/** Long enough that the simulated caches have something worth caching. */
export const SYSTEM_PROMPT = `You are ward, a careful coding agent. ${'Follow the workspace rules. '.repeat(150)}`;

export function userText(text: string): Message {
  return { role: 'user', content: [{ type: 'text', text }] };
}

export function request(messages: readonly Message[], tools: readonly ToolSpec[] = [READ_FILE, LIST_DIR]): ModelRequest {
  return { system: SYSTEM_PROMPT, messages, tools, maxOutputTokens: 1024 };
}

export async function withServer(script: Script, run: (server: ScriptedServer) => Promise<void>): Promise<void> {
  const server = await startScriptedServer(script);
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

export function deltaCollector(): { deltas: StreamDelta[]; onDelta: (delta: StreamDelta) => void; text: () => string } {
  const deltas: StreamDelta[] = [];
  return {
    deltas,
    onDelta: (delta) => deltas.push(delta),
    text: () => deltas.map((delta) => (delta.kind === 'text' ? delta.text : '')).join(''),
  };
}

/** Every object in a JSON value that carries a given key, depth first. */
export function objectsWithKey(value: unknown, key: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (key in record) found.push(record);
      Object.values(record).forEach(walk);
    }
  };
  walk(value);
  return found;
}

/** Runs `fn` with environment variables set (or removed with undefined), then restores them. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

export const NEVER_ABORTED = new AbortController().signal;

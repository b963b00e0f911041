/**
 * Tool calls as a prompt-injected model would make them, for scenario tables. An `id` names a
 * call so a scenario can expect something different of it (or mark it as preparation).
 */
import type { ScriptedToolCall } from '../support/script.ts';

export function bash(command: string, extra: { id?: string; run_in_background?: boolean } = {}): ScriptedToolCall {
  const { id, ...input } = extra;
  return { ...(id === undefined ? {} : { id }), name: 'bash', input: { command, ...input } };
}

export function read(path: string, id?: string): ScriptedToolCall {
  return { ...(id === undefined ? {} : { id }), name: 'read', input: { path } };
}

export function write(path: string, content: string, id?: string): ScriptedToolCall {
  return { ...(id === undefined ? {} : { id }), name: 'write', input: { path, content } };
}

export function edit(path: string, oldString: string, newString: string): ScriptedToolCall {
  return { name: 'edit', input: { path, old_string: oldString, new_string: newString } };
}

export function grep(pattern: string, path?: string, extra: Record<string, unknown> = {}): ScriptedToolCall {
  return { name: 'grep', input: { pattern, ...(path === undefined ? {} : { path }), output_mode: 'content', ...extra } };
}

export function glob(pattern: string, path?: string): ScriptedToolCall {
  return { name: 'glob', input: { pattern, ...(path === undefined ? {} : { path }) } };
}

export function webFetch(url: string): ScriptedToolCall {
  return { name: 'web_fetch', input: { url } };
}

/** A listener URL with something the attacker wants to smuggle out in the query. */
export function listenerUrl(listener: { host: string; port: number }, query = 'leak=1'): string {
  return `http://${listener.host}:${listener.port}/collect?${query}`;
}

/**
 * The contract every tool implements. A tool's schema and declared effects are data the
 * runner and the policy read; its logic is `execute`. Validation, the permission decision,
 * the timeout, the output cap, redaction and events all happen outside the tool, in one place
 * (src/agent/tool-runner.ts), so no tool can skip them.
 */
import type { z } from 'zod';
import type { Sandbox } from '../sandbox/types.ts';
import type { ReadLedger } from './read-ledger.ts';

/**
 * What a call does, for the policy. `read`: reads local files; `edit`: changes local files;
 * `execute`: runs a program; `network`: reaches off the machine; `internal`: touches only
 * ward's own session state (the todo list). When in doubt a tool declares itself `execute`.
 */
export type ToolKind = 'read' | 'edit' | 'execute' | 'network' | 'internal';

/** What a particular call would touch, resolved to absolute paths, for the policy to judge. */
export interface CallTarget {
  readonly paths?: readonly string[];
  readonly command?: string;
  /** Where a command would run: the shell keeps its directory between calls. */
  readonly cwd?: string;
  readonly url?: string;
}

export interface Todo {
  readonly content: string;
  readonly status: 'pending' | 'in_progress' | 'completed';
}

export interface ToolResult {
  /** What the model reads. Errors are results too: `isError` tells the model it failed. */
  readonly output: string;
  readonly isError: boolean;
  readonly exitCode?: number | null;
  /** Set by the todo tool: the list to show the user. */
  readonly todos?: readonly Todo[];
}

export interface ToolContext {
  /** The project root: the folder ward was started in. */
  readonly projectRoot: string;
  /** Aborted on cancellation (SIGINT/SIGTERM) or when the call's timeout passes. */
  readonly signal: AbortSignal;
  /**
   * Puts something the call turned out to need mid-way (a redirect to another host) to the
   * same policy the call itself passed. Tools must not touch a new target it refuses.
   */
  readonly authorize: (target: CallTarget) => Promise<{ readonly allowed: boolean; readonly reason: string }>;
  /**
   * Whether the policy lets the model read this file (absolute path). Tools that read many
   * files under one approved folder (grep, glob) leave out those it refuses: a search of the
   * project must not return the contents of its .env file.
   */
  readonly readable: (path: string) => boolean;
  /**
   * The real path (symlinks resolved) the policy judged for a path of this call's target, or
   * undefined when it judged none. Tools that touch files check they touch exactly this
   * (pinned-path.ts), so a symlink switched after the decision cannot redirect them.
   */
  readonly judged: (path: string) => string | undefined;
}

export interface ToolDefinition<Input = unknown> {
  /** The name the model calls it by. */
  readonly name: string;
  /** Written for the model: what it does, when to use it, what it returns. */
  readonly description: string;
  readonly inputSchema: z.ZodType<Input>;
  /**
   * Other names models commonly use for this tool's fields (e.g. `file_path` for `path`),
   * mapped to the real ones before validation. Not shown to the model; they only spare a
   * wasted turn when a model trained on another agent's tools uses their names.
   */
  readonly inputAliases?: Readonly<Record<string, string>>;
  readonly kind: ToolKind;
  /** Read-only calls of one turn may run in parallel; everything else runs in order. */
  readonly readOnly: boolean;
  /** Resolve what this call would touch, so the policy can decide before anything runs. */
  target(input: Input, projectRoot: string): CallTarget;
  execute(input: Input, context: ToolContext): Promise<ToolResult>;
}

/** A tool whose input type has been erased, as held in a registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds tools of many input types; each validates its own input before use.
export type AnyTool = ToolDefinition<any>;

/** Session-scoped services the tools are built with. */
export interface ToolEnvironment {
  readonly projectRoot: string;
  readonly sandbox: Sandbox;
  /** Environment for child processes, already stripped of secrets. */
  readonly childEnv: Readonly<Record<string, string>>;
  /** Default and maximum timeouts for shell commands, in milliseconds. */
  readonly commandTimeoutMs: number;
  readonly maxCommandTimeoutMs: number;
  /** Cap on the characters of output a single call returns. */
  readonly outputCapChars: number;
  /** Path to ripgrep, or null when it is not installed. */
  readonly ripgrepPath: string | null;
  /** Fetch used by web_fetch; injectable so tests can use a loopback server. */
  readonly fetch: typeof globalThis.fetch;
  /** What the model has read in this conversation (read answers an unchanged re-read briefly). */
  readonly readLedger: ReadLedger;
}

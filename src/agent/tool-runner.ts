/**
 * The one path every tool call takes, in this order:
 *   proposed -> known tool? -> arguments parse? -> zod validation -> policy decision
 *   -> approval (only for "ask") -> execute with timeout -> output cap -> redaction -> finished
 * Each step emits its event. Failures at any step become a tool result the model reads
 * (isError), never an exception out of the loop: the model can correct a bad argument.
 */
import type { EventBus } from '../events/bus.ts';
import type { ToolResultBlock, ToolUseBlock } from '../model/types.ts';
import type { JudgedDecision, Policy, PolicyDecision } from '../policy/engine.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import { resolve } from 'node:path';
import { capOutput } from '../tools/output-cap.ts';
import type { ProtectedWatch } from './protected-watch.ts';
import type { AnyTool, CallTarget, ToolContext, ToolResult } from '../tools/types.ts';

export interface ApprovalRequest {
  readonly callId: string;
  readonly tool: string;
  readonly input: unknown;
  readonly decision: PolicyDecision;
}

export interface ApprovalOutcome {
  readonly approved: boolean;
  readonly by: 'user' | 'headless';
  readonly reason: string;
}

export type Approver = (request: ApprovalRequest) => Promise<ApprovalOutcome>;

export interface ToolRunnerDeps {
  readonly registry: ToolRegistry;
  /** Awaited before the first decision: the shell parser loads while the model answers. */
  readonly policy: Promise<Policy>;
  readonly approve: Approver;
  readonly bus: EventBus;
  readonly redact: (text: string) => string;
  readonly projectRoot: string;
  readonly outputCapChars: number;
  /** Upper bound on any one call, on top of a tool's own timeout (bash has its own). */
  readonly callTimeoutMs: number;
  readonly signal: AbortSignal;
  /** What commands run in (`bubblewrap`, `seatbelt`, or `none`), recorded with each one. */
  readonly sandboxName: string;
  /** Undoes unapproved changes to protected paths after each call (agent/protected-watch.ts). */
  readonly watch: ProtectedWatch;
}

export async function runToolCall(call: ToolUseBlock, deps: ToolRunnerDeps): Promise<ToolResultBlock> {
  const { bus } = deps;
  const started = performance.now();
  bus.emit({ type: 'tool_proposed', callId: call.id, tool: call.name, input: call.input });

  const finish = (status: 'ok' | 'error' | 'denied', raw: string, exitCode?: number | null): ToolResultBlock => {
    // Redact before capping: a cut through the middle of a token could leave a prefix too
    // short for its pattern to recognise.
    const capped = capOutput(deps.redact(raw), deps.outputCapChars);
    const output = capped.text;
    bus.emit({
      type: 'tool_finished',
      callId: call.id,
      tool: call.name,
      status,
      output,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      truncated: capped.truncated,
      ...(exitCode === undefined ? {} : { exitCode }),
    });
    return { type: 'tool_result', toolUseId: call.id, content: output, isError: status !== 'ok' };
  };

  const tool = deps.registry.get(call.name);
  if (tool === undefined) {
    return finish('error', `Unknown tool "${call.name}". Available tools: ${deps.registry.names().join(', ')}.`);
  }
  if (call.inputError !== undefined) {
    return finish('error', `The arguments for ${call.name} were not valid JSON (${call.inputError}). Send them again as a JSON object.`);
  }
  const parsed = tool.inputSchema.safeParse(applyAliases(call.input, tool.inputAliases));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `- ${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`);
    return finish('error', `Invalid arguments for ${call.name}:\n${problems.join('\n')}\nFix the arguments and call ${call.name} again.`);
  }
  const input: unknown = parsed.data;

  const { judged: judgedPaths, ...decision } = decideSafely(tool, input, await deps.policy, deps.projectRoot);
  bus.emit({ type: 'tool_decision', callId: call.id, tool: call.name, ...decision });
  if (decision.decision === 'deny') {
    return finish('denied', `Permission denied: ${decision.reason} (${decision.source}). Do not retry this call; choose another approach or ask the user.`);
  }
  let approvedByUser = false;
  if (decision.decision === 'ask') {
    const outcome = await deps.approve({ callId: call.id, tool: call.name, input, decision });
    approvedByUser = outcome.approved && outcome.by === 'user';
    bus.emit({ type: 'tool_approval', callId: call.id, ...outcome });
    if (!outcome.approved) {
      return finish('denied', `Permission denied: ${outcome.reason} Do not retry this call; choose another approach or tell the user what you need.`);
    }
  }

  bus.emit({ type: 'tool_started', callId: call.id, tool: call.name, ...(tool.kind === 'execute' ? { sandbox: deps.sandboxName } : {}) });
  const authorize = async (target: CallTarget): Promise<{ allowed: boolean; reason: string }> => {
    const hop = decideTarget(tool, target, await deps.policy);
    bus.emit({ type: 'tool_decision', callId: call.id, tool: call.name, ...hop });
    if (hop.decision === 'allow') return { allowed: true, reason: hop.reason };
    if (hop.decision === 'deny') return { allowed: false, reason: `${hop.reason} (${hop.source})` };
    const outcome = await deps.approve({ callId: call.id, tool: call.name, input, decision: hop });
    bus.emit({ type: 'tool_approval', callId: call.id, ...outcome });
    return { allowed: outcome.approved, reason: outcome.reason };
  };
  const policy = await deps.policy;
  const readable = (path: string): boolean => {
    try {
      return policy.canRead(path);
    } catch {
      return false;
    }
  };
  const judged = (path: string): string | undefined => judgedPaths.get(resolve(path));
  const result = await executeWithTimeout(tool, input, deps, { authorize, readable, judged });
  // What the user approved is theirs; anything else that changed protected files is undone.
  const findings = approvedByUser ? (deps.watch.baseline(), []) : deps.watch.check();
  for (const finding of findings) bus.emit({ type: 'warning', message: finding.message });
  const note = findings.length === 0 ? '' : `\n[${findings.map((finding) => finding.message).join('; ')}. Changes there need the user's approval: ask the user instead.]`;
  return finish(result.isError ? 'error' : 'ok', result.output + note, result.exitCode);
}

function decideSafely(tool: AnyTool, input: unknown, policy: Policy, projectRoot: string): JudgedDecision {
  try {
    const target = tool.target(input, projectRoot);
    return policy.decideJudged({ tool: tool.name, kind: tool.kind, target, input });
  } catch (error) {
    // A policy that cannot decide must not fail open.
    return { decision: 'deny', reason: `the policy could not evaluate this call (${(error as Error).message})`, source: 'fail-closed', judged: new Map() };
  }
}

function decideTarget(tool: AnyTool, target: CallTarget, policy: Policy): PolicyDecision {
  try {
    return policy.decide({ tool: tool.name, kind: tool.kind, target });
  } catch (error) {
    return { decision: 'deny', reason: `the policy could not evaluate ${JSON.stringify(target)} (${(error as Error).message})`, source: 'fail-closed' };
  }
}

async function executeWithTimeout(
  tool: AnyTool,
  input: unknown,
  deps: ToolRunnerDeps,
  checks: Pick<ToolContext, 'authorize' | 'readable' | 'judged'>,
): Promise<ToolResult> {
  const timeout = AbortSignal.timeout(deps.callTimeoutMs);
  const signal = AbortSignal.any([deps.signal, timeout]);
  try {
    const result = await tool.execute(input, { projectRoot: deps.projectRoot, signal, ...checks });
    if (result.todos !== undefined) deps.bus.emit({ type: 'todos_updated', todos: [...result.todos] });
    return result;
  } catch (error) {
    if (timeout.aborted) return { output: `${tool.name} did not finish within ${deps.callTimeoutMs} ms and was stopped.`, isError: true };
    if (deps.signal.aborted) return { output: `${tool.name} was cancelled by the user.`, isError: true };
    // An exception inside a tool is a bug or an environment failure; the model still gets
    // a result so the conversation stays well-formed.
    return { output: `${tool.name} failed unexpectedly: ${(error as Error).message}`, isError: true };
  }
}

/** Renames alias fields to their real names, unless the real name is also present. */
function applyAliases(input: unknown, aliases: Readonly<Record<string, string>> | undefined): unknown {
  if (aliases === undefined || input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const fields = input as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => {
      const real = aliases[key];
      return real !== undefined && !(real in fields) ? [real, value] : [key, value];
    }),
  );
}

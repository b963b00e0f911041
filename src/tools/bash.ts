/**
 * The bash tool: runs one shell command through the sandbox, in the session's current
 * directory, with a timeout that ends the whole process tree, and output bounded as it
 * streams. The directory a command ends in is kept for the next call; its environment is not.
 */
import { z } from 'zod';
import type { ProcessOutcome, ShellSession } from './shell-session.ts';
import { bodyBudget } from './output-cap.ts';
import { startGroupProcess } from './shell-session.ts';
import type { ToolDefinition, ToolEnvironment, ToolResult } from './types.ts';

/**
 * The script bash runs; the model's command arrives as $1 and is eval'd, so it needs no quoting
 * and a syntax error in it is reported like any other failure. stderr joins stdout in one pipe
 * so the two interleave exactly as written. When `reportCwd` is set, an EXIT trap writes the
 * final directory to fd 3 however the command ends (`exit` included); an EXIT trap does not
 * change the shell's exit status.
 *
 * Only the directory is carried to the next call, never the environment: variables exported by
 * one command are gone by the next. Otherwise a command the user allowed could run with an
 * environment an earlier command poisoned (PATH pointing at a planted binary, LD_PRELOAD,
 * NODE_OPTIONS=--require ...), and the policy judging that command could not see it.
 */
export function shellScript(reportCwd: boolean): string {
  return [
    ...(reportCwd ? ["trap 'pwd -P >&3 2>/dev/null' EXIT"] : []),
    'exec 2>&1',
    '__ward_command=$1',
    'shift',
    'eval "$__ward_command"',
  ].join('\n');
}

export function bashInputSchema(env: ToolEnvironment) {
  return z.object({
    command: z.string().min(1).describe('The bash command to run, e.g. `npm test` or `cd src && ls`.'),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .max(env.maxCommandTimeoutMs)
      .optional()
      .describe(`Timeout in milliseconds (default ${env.commandTimeoutMs}, at most ${env.maxCommandTimeoutMs}). On timeout the command and everything it started are killed.`),
    run_in_background: z
      .boolean()
      .optional()
      .describe('Start the command and return at once with a job id, for servers and watchers (no timeout applies). Read its output with bash_output, stop it with bash_kill.'),
    description: z
      .string()
      .max(200)
      .optional()
      .describe('A few words on what the command does, shown to the user, e.g. "Run the unit tests".'),
  });
}

export type BashInput = z.infer<ReturnType<typeof bashInputSchema>>;

const DESCRIPTION = `Runs a command with bash and returns its output (stdout and stderr interleaved) followed by its exit status.

- The working directory starts at the project root and is kept between calls: after \`cd sub\`, the next command runs in sub. Environment changes (export, set) are NOT kept: put them in the same command as what needs them.
- stdin is closed: interactive programs (editors, pagers, prompts) fail or hang until the timeout. Pass flags like --yes or --no-pager instead.
- Long output is cut in the middle; the start and the end are kept. Redirect to a file and read it when you need all of it.
- Commands are killed with everything they started when the timeout passes. Processes left running in the background when a command finishes are stopped.
- For servers and watchers, set run_in_background: you get a job id at once; read output with bash_output and stop it with bash_kill.
- Prefer the read, glob, grep and edit tools over cat, find, grep and sed for files.`;

function statusLine(outcome: ProcessOutcome, timeoutMs: number): string {
  if (outcome.spawnError !== null) return `Could not start the command: ${outcome.spawnError}`;
  if (outcome.stoppedBy === 'timeout') return `Timed out after ${timeoutMs} ms; process group killed.`;
  if (outcome.stoppedBy === 'cancel') return 'Cancelled; process group killed.';
  if (outcome.stoppedBy === 'kill') return 'Killed; process group killed.';
  if (outcome.signal !== null) return `Terminated by signal ${outcome.signal}.`;
  return `Exit code: ${outcome.exitCode ?? 'unknown'}`;
}

function failed(outcome: ProcessOutcome): boolean {
  return outcome.spawnError !== null || outcome.stoppedBy !== null || outcome.signal !== null || outcome.exitCode !== 0;
}

function errorResult(output: string): ToolResult {
  return { output, isError: true };
}

async function runInBackground(env: ToolEnvironment, shell: ShellSession, command: string): Promise<ToolResult> {
  const { cwd, note } = shell.prepareCwd();
  const spec = env.sandbox.wrap({ file: 'bash', args: ['-c', shellScript(false), 'bash', command], cwd, env: env.childEnv });
  const running = startGroupProcess(spec, { outputCapChars: bodyBudget(env.outputCapChars) });
  if (running.pid === null) {
    const outcome = await running.done;
    return errorResult(`Could not start the command: ${outcome.spawnError ?? 'unknown error'}`);
  }
  const job = shell.addJob(command, running);
  const lines = [
    ...(note === null ? [] : [`Note: ${note}`]),
    `Started background job ${job.id} (pid ${running.pid}) in ${cwd}.`,
    `Read its output with bash_output {"job_id": "${job.id}"}; stop it with bash_kill {"job_id": "${job.id}"}.`,
  ];
  return { output: lines.join('\n'), isError: false };
}

export function createBashTool(env: ToolEnvironment, shell: ShellSession): ToolDefinition<BashInput> {
  return {
    name: 'bash',
    inputAliases: { timeout: 'timeout_ms' },
    description: DESCRIPTION,
    inputSchema: bashInputSchema(env),
    kind: 'execute',
    readOnly: false,
    target(input) {
      return { command: input.command, cwd: shell.cwd };
    },
    async execute(input, context): Promise<ToolResult> {
      if (context.signal.aborted) return errorResult('Cancelled before the command started.');
      if (input.run_in_background === true) return runInBackground(env, shell, input.command);

      const timeoutMs = Math.min(input.timeout_ms ?? env.commandTimeoutMs, env.maxCommandTimeoutMs);
      const { cwd, note: cwdNote } = shell.prepareCwd();
      const spec = env.sandbox.wrap({ file: 'bash', args: ['-c', shellScript(true), 'bash', input.command], cwd, env: env.childEnv });
      const running = startGroupProcess(spec, { outputCapChars: bodyBudget(env.outputCapChars), sideChannel: true });
      shell.trackForeground(running);

      const timer = setTimeout(() => void running.stop('timeout'), timeoutMs);
      const onAbort = (): void => void running.stop('cancel');
      context.signal.addEventListener('abort', onAbort, { once: true });
      let outcome: ProcessOutcome;
      try {
        outcome = await running.done;
      } finally {
        clearTimeout(timer);
        context.signal.removeEventListener('abort', onAbort);
      }

      const notes: string[] = [];
      if (cwdNote !== null) notes.push(cwdNote);
      if (outcome.spawnError === null) {
        const fallback = shell.recordCwd(outcome.sideChannel);
        if (fallback !== null) notes.push(fallback);
        else if (shell.cwd !== cwd) notes.push(`Working directory is now ${shell.cwd}.`);
      }
      if (outcome.leftoversKilled) {
        notes.push('Processes the command left running in the background were stopped when it finished; use run_in_background for servers and watchers.');
      }

      const captured = running.output.snapshot();
      const body = captured.text === '' ? '(no output)' : captured.text.replace(/\n$/, '');
      const lines = [body, statusLine(outcome, timeoutMs), ...notes.map((text) => `Note: ${text}`)];
      return { output: lines.join('\n'), isError: failed(outcome), exitCode: outcome.exitCode };
    },
  };
}

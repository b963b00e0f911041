/**
 * The two tools that look after background jobs started by `bash` with run_in_background:
 * `bash_output` reads what a job printed since the last look, `bash_kill` ends it.
 */
import { z } from 'zod';
import type { BackgroundJob, ShellSession } from './shell-session.ts';
import type { ToolDefinition, ToolResult } from './types.ts';

const jobIdSchema = z
  .string()
  .min(1)
  .describe('The job id returned by bash with run_in_background, e.g. "bg_1".');

export const bashOutputInputSchema = z.object({ job_id: jobIdSchema });
export type BashOutputInput = z.infer<typeof bashOutputInputSchema>;

export const bashKillInputSchema = z.object({ job_id: jobIdSchema });
export type BashKillInput = z.infer<typeof bashKillInputSchema>;

function unknownJob(shell: ShellSession, id: string): ToolResult {
  const known = shell.jobIds();
  const hint = known.length === 0
    ? 'No background jobs have been started in this session.'
    : `Known jobs: ${known.join(', ')}.`;
  return { output: `There is no background job "${id}". ${hint}`, isError: true };
}

function jobStatus(job: BackgroundJob): string {
  const outcome = job.process.outcome;
  if (outcome === null) return `Job ${job.id} is still running (pid ${job.process.pid ?? 'unknown'}).`;
  if (outcome.stoppedBy !== null) return `Job ${job.id} was killed; process group killed.`;
  if (outcome.signal !== null) return `Job ${job.id} was terminated by signal ${outcome.signal}.`;
  return `Job ${job.id} exited with exit code ${outcome.exitCode ?? 'unknown'}.`;
}

/** Output since the last poll; draining it means the next poll shows only what is new. */
function newOutput(job: BackgroundJob): string {
  const captured = job.process.output.drain();
  return captured.text === '' ? '(no new output)' : captured.text.replace(/\n$/, '');
}

export function createBashOutputTool(shell: ShellSession): ToolDefinition<BashOutputInput> {
  return {
    name: 'bash_output',
    description: `Returns the output a background job (started by bash with run_in_background) printed since you last checked, and whether it is still running or its exit code. Each call returns only new output. Long output is cut in the middle.`,
    inputSchema: bashOutputInputSchema,
    kind: 'internal',
    readOnly: true,
    target() {
      return {};
    },
    execute(input): Promise<ToolResult> {
      const job = shell.job(input.job_id);
      if (job === undefined) return Promise.resolve(unknownJob(shell, input.job_id));
      // Status first: output read after it cannot miss anything printed before the exit.
      const status = jobStatus(job);
      const output = newOutput(job);
      const exitCode = job.process.outcome?.exitCode;
      return Promise.resolve({ output: `${output}\n${status}`, isError: false, ...(exitCode === undefined ? {} : { exitCode }) });
    },
  };
}

export function createBashKillTool(shell: ShellSession): ToolDefinition<BashKillInput> {
  return {
    name: 'bash_kill',
    description: `Stops a background job started by bash with run_in_background, together with every process it started (SIGTERM, then SIGKILL if it does not exit). Returns the output it printed since you last checked and its final status.`,
    inputSchema: bashKillInputSchema,
    kind: 'execute',
    readOnly: false,
    target(input) {
      const job = shell.job(input.job_id);
      return job === undefined ? {} : { command: job.command };
    },
    async execute(input): Promise<ToolResult> {
      const job = shell.job(input.job_id);
      if (job === undefined) return unknownJob(shell, input.job_id);
      const wasRunning = job.process.outcome === null;
      await job.process.stop('kill');
      const outcome = await job.process.done;
      const status = wasRunning ? jobStatus(job) : `${jobStatus(job)} It had already finished; nothing was killed.`;
      return { output: `${newOutput(job)}\n${status}`, isError: false, exitCode: outcome.exitCode };
    },
  };
}

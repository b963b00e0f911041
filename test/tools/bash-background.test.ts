import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processGroupAlive } from '../../src/tools/shell-session.ts';
import { createProcessTools } from '../../src/tools/process-tools.ts';
import type { AnyTool, ToolResult } from '../../src/tools/types.ts';
import { createTestEnvironment, makeTempProject, toolContext } from './env.ts';
import { eventually, isRunning } from './process-test-support.ts';

async function setup() {
  const project = await makeTempProject('ward-bash-background-');
  const { tools, shell } = createProcessTools(createTestEnvironment(project.root));
  const byName = (name: string): AnyTool => {
    const tool = tools.find((candidate) => candidate.name === name);
    assert.ok(tool, `no tool ${name}`);
    return tool;
  };
  const call = (name: string, input: Record<string, unknown>): Promise<ToolResult> => {
    const tool = byName(name);
    return tool.execute(tool.inputSchema.parse(input), toolContext(project.root));
  };
  const start = async (command: string): Promise<{ jobId: string; pid: number }> => {
    const result = await call('bash', { command, run_in_background: true });
    assert.equal(result.isError, false, result.output);
    const match = /Started background job (bg_\d+) \(pid (\d+)\)/.exec(result.output);
    assert.ok(match?.[1] !== undefined && match[2] !== undefined, result.output);
    return { jobId: match[1], pid: Number(match[2]) };
  };
  return { ...project, shell, tools, call, start };
}

test('process tools are bash, bash_output, bash_kill and web_fetch, with their declared effects', async (t) => {
  const { tools, cleanup } = await setup();
  t.after(cleanup);
  assert.deepEqual(
    tools.map((tool) => [tool.name, tool.kind, tool.readOnly]),
    [['bash', 'execute', false], ['bash_output', 'internal', true], ['bash_kill', 'execute', false], ['web_fetch', 'network', true]],
  );
});

test('a background job starts at once, its output is polled incrementally, and bash_kill ends it', async (t) => {
  const { call, start, shell, cleanup } = await setup();
  t.after(async () => {
    await shell.killAll();
    await cleanup();
  });
  const { jobId, pid } = await start('for i in 1 2 3; do echo line$i; done; sleep 1000');
  assert.equal(jobId, 'bg_1');
  assert.equal(isRunning(pid), true);

  let seen = '';
  const firstPoll = await eventually(async () => {
    const result = await call('bash_output', { job_id: jobId });
    seen += result.output;
    return seen.includes('line3') ? result : undefined;
  }, 'line3 in the job output');
  assert.match(firstPoll.output, /still running/);
  assert.match(seen, /line1\nline2\nline3/);

  const secondPoll = await call('bash_output', { job_id: jobId });
  assert.equal(secondPoll.output.startsWith('(no new output)'), true, secondPoll.output);
  assert.doesNotMatch(secondPoll.output, /line1/);

  const killed = await call('bash_kill', { job_id: jobId });
  assert.equal(killed.isError, false);
  assert.match(killed.output, /was killed; process group killed/);
  assert.equal(isRunning(pid), false);
  assert.equal(processGroupAlive(pid), false);

  const afterKill = await call('bash_output', { job_id: jobId });
  assert.match(afterKill.output, /was killed/);
});

test('a background job that finishes reports its exit code and its last output', async (t) => {
  const { call, start, cleanup } = await setup();
  t.after(cleanup);
  const { jobId } = await start('echo finished-work; exit 5');
  let seen = '';
  const final = await eventually(async () => {
    const result = await call('bash_output', { job_id: jobId });
    seen += result.output;
    return /exited with exit code/.test(result.output) ? result : undefined;
  }, 'the job to exit');
  assert.match(final.output, /exited with exit code 5/);
  assert.equal(final.exitCode, 5);
  assert.match(seen, /finished-work/);

  const killAfterExit = await call('bash_kill', { job_id: jobId });
  assert.match(killAfterExit.output, /already finished; nothing was killed/);
});

test('killAll ends every background job: nothing outlives the session', async (t) => {
  const { start, shell, cleanup } = await setup();
  t.after(cleanup);
  const first = await start('sleep 1000');
  const second = await start('sleep 1000 & sleep 1000; wait');
  assert.equal(isRunning(first.pid), true);
  await shell.killAll();
  assert.equal(isRunning(first.pid), false);
  assert.equal(isRunning(second.pid), false);
  assert.equal(processGroupAlive(first.pid), false);
  assert.equal(processGroupAlive(second.pid), false);
});

test('an unknown job id is an error that lists the known jobs', async (t) => {
  const { call, start, shell, cleanup } = await setup();
  t.after(async () => {
    await shell.killAll();
    await cleanup();
  });
  const none = await call('bash_output', { job_id: 'bg_9' });
  assert.equal(none.isError, true);
  assert.match(none.output, /no background job "bg_9"\. No background jobs have been started/);
  await start('sleep 1000');
  const wrong = await call('bash_kill', { job_id: 'bg_9' });
  assert.equal(wrong.isError, true);
  assert.match(wrong.output, /Known jobs: bg_1\./);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/types.ts';
import { createBashTool } from '../../src/tools/bash.ts';
import { ShellSession } from '../../src/tools/shell-session.ts';
import type { ToolEnvironment } from '../../src/tools/types.ts';
import { createTestEnvironment, makeTempProject, toolContext } from './env.ts';
import { eventually, isRunning, pidFrom } from './process-test-support.ts';

async function setup(overrides: Partial<ToolEnvironment> = {}) {
  const project = await makeTempProject('ward-bash-');
  const env = createTestEnvironment(project.root, overrides);
  const shell = new ShellSession(project.root);
  const bash = createBashTool(env, shell);
  const run = (command: string, extra: { timeout_ms?: number } = {}, signal?: AbortSignal) =>
    bash.execute(bash.inputSchema.parse({ command, ...extra }), toolContext(project.root, signal));
  return { ...project, env, shell, bash, run };
}

test('returns the output and the exit code; a non-zero exit is an error', async (t) => {
  const { run, cleanup } = await setup();
  t.after(cleanup);
  const ok = await run('echo hello');
  assert.equal(ok.isError, false);
  assert.equal(ok.exitCode, 0);
  assert.equal(ok.output, 'hello\nExit code: 0');

  const failed = await run('echo partial; exit 3');
  assert.equal(failed.isError, true);
  assert.equal(failed.exitCode, 3);
  assert.equal(failed.output, 'partial\nExit code: 3');
});

test('stdout and stderr arrive interleaved in the order they were written', async (t) => {
  const { run, cleanup } = await setup();
  t.after(cleanup);
  const result = await run('echo one; echo two >&2; echo three; echo four >&2');
  assert.equal(result.output, 'one\ntwo\nthree\nfour\nExit code: 0');
});

test('a syntax error in the command is reported as a failed command', async (t) => {
  const { run, cleanup } = await setup();
  t.after(cleanup);
  const result = await run('echo "unterminated');
  assert.equal(result.isError, true);
  assert.equal(result.exitCode, 2);
  assert.match(result.output, /unexpected EOF/);
});

test('the working directory is kept between calls, including after exit', async (t) => {
  const { root, run, cleanup } = await setup();
  t.after(cleanup);
  mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });

  const moved = await run('cd sub');
  assert.match(moved.output, new RegExp(`Working directory is now ${join(root, 'sub')}`));
  assert.equal((await run('pwd')).output, `${join(root, 'sub')}\nExit code: 0`);

  const exited = await run('cd deeper && exit 4');
  assert.equal(exited.exitCode, 4);
  assert.equal((await run('pwd')).output, `${join(root, 'sub', 'deeper')}\nExit code: 0`);
});

test('when the working directory is deleted, the next command runs in the project root and says so', async (t) => {
  const { root, run, cleanup } = await setup();
  t.after(cleanup);
  mkdirSync(join(root, 'doomed'));
  await run('cd doomed');
  rmSync(join(root, 'doomed'), { recursive: true });

  const result = await run('pwd');
  assert.equal(result.isError, false);
  assert.ok(result.output.startsWith(`${root}\n`), result.output);
  assert.match(result.output, /no longer exists/);
  assert.equal((await run('pwd')).output, `${root}\nExit code: 0`);
});

test('a command that deletes its own directory leaves the next one in the project root', async (t) => {
  const { root, run, cleanup } = await setup();
  t.after(cleanup);
  const result = await run('mkdir gone && cd gone && rmdir ../gone');
  assert.equal(result.exitCode, 0);
  assert.equal((await run('pwd')).output.split('\n')[0], root);
});

test('exported variables do not carry over to the next call', async (t) => {
  const { run, cleanup } = await setup();
  t.after(cleanup);
  const same = await run('export WARD_POISON=yes; echo "now:${WARD_POISON:-unset}"');
  assert.match(same.output, /^now:yes$/m);
  const next = await run('echo "later:${WARD_POISON:-unset}"');
  assert.match(next.output, /^later:unset$/m);
});

test('stdin is closed: a command reading it gets end of file, not a hang', async (t) => {
  const { run, cleanup } = await setup();
  t.after(cleanup);
  const result = await run('cat; echo "cat ended with $?"');
  assert.equal(result.output, 'cat ended with 0\nExit code: 0');
});

test('a timeout kills the whole process tree, grandchildren included', async (t) => {
  const { run, cleanup } = await setup();
  t.after(cleanup);
  const command = "sh -c 'sleep 1000 & echo grandchild=$!; wait' & echo child=$!; wait";
  const result = await run(command, { timeout_ms: 700 });
  assert.equal(result.isError, true);
  assert.match(result.output, /Timed out after 700 ms; process group killed\./);
  const child = pidFrom(result.output, 'child');
  const grandchild = pidFrom(result.output, 'grandchild');
  assert.equal(isRunning(child), false, `child ${child} still running`);
  assert.equal(isRunning(grandchild), false, `grandchild ${grandchild} still running`);
});

test('cancelling through the context signal kills the process', async (t) => {
  const { root, run, cleanup } = await setup();
  t.after(cleanup);
  const controller = new AbortController();
  const pending = run('echo $$ > shell.pid; sleep 1000 & echo $! > sleep.pid; wait', {}, controller.signal);
  const sleepPid = await eventually(() => readPid(join(root, 'sleep.pid')), 'sleep.pid');
  const shellPid = await eventually(() => readPid(join(root, 'shell.pid')), 'shell.pid');
  controller.abort();
  const result = await pending;
  assert.equal(result.isError, true);
  assert.match(result.output, /Cancelled; process group killed\./);
  assert.equal(isRunning(sleepPid), false);
  assert.equal(isRunning(shellPid), false);
});

test('killAll at the end of a session also stops a foreground command still running', async (t) => {
  const { root, run, shell, cleanup } = await setup();
  t.after(cleanup);
  const pending = run('sleep 1000 & echo $! > sleep.pid; wait');
  const sleepPid = await eventually(() => readPid(join(root, 'sleep.pid')), 'sleep.pid');
  await shell.killAll();
  const result = await pending;
  assert.equal(result.isError, true);
  assert.match(result.output, /Killed; process group killed\./);
  assert.equal(isRunning(sleepPid), false);
});

test('a sandbox that cannot start the command is reported, not skipped', async (t) => {
  const brokenSandbox: Sandbox = {
    name: 'broken',
    confining: true,
    wrap: (spec) => ({ ...spec, file: join(tmpdir(), 'ward-no-such-sandbox-binary') }),
  };
  const { run, cleanup } = await setup({ sandbox: brokenSandbox });
  t.after(cleanup);
  const result = await run('echo should-not-run');
  assert.equal(result.isError, true);
  assert.match(result.output, /Could not start the command: spawn .*ward-no-such-sandbox-binary ENOENT/);
  assert.doesNotMatch(result.output, /should-not-run/);
});

test('a command spawn refuses (a NUL byte) is an error result, not an exception', async (t) => {
  const { run, cleanup } = await setup();
  t.after(cleanup);
  const result = await run('echo a\u0000b');
  assert.equal(result.isError, true);
  assert.match(result.output, /Could not start the command: .*null bytes/);
});

test('processes a foreground command leaves in the background are stopped, and the result says so', async (t) => {
  const { run, cleanup } = await setup();
  t.after(cleanup);
  const result = await run('sleep 1000 > /dev/null 2>&1 & echo leftover=$!');
  assert.equal(result.exitCode, 0);
  assert.match(result.output, /were stopped when it finished/);
  assert.equal(isRunning(pidFrom(result.output, 'leftover')), false);
});

test('10 MB of output comes back capped, with its start and its end', async (t) => {
  const { run, cleanup } = await setup({ outputCapChars: 20_000 });
  t.after(cleanup);
  const result = await run("echo START; head -c 10000000 /dev/zero | tr '\\0' x; echo; echo END");
  assert.equal(result.exitCode, 0);
  assert.ok(result.output.length <= 20_000, `output length ${result.output.length}`);
  assert.ok(result.output.startsWith('START\nxxxx'));
  assert.match(result.output, /\[\.\.\. \d+ characters \(\d+ lines?\) omitted \.\.\.\]/);
  assert.ok(result.output.endsWith('xxx\nEND\nExit code: 0'), result.output.slice(-50));
});

test('timeout_ms above the maximum is rejected by the input schema', async (t) => {
  const { bash, cleanup } = await setup({ maxCommandTimeoutMs: 5000 });
  t.after(cleanup);
  const parsed = bash.inputSchema.safeParse({ command: 'true', timeout_ms: 6000 });
  assert.equal(parsed.success, false);
  assert.equal(bash.inputSchema.safeParse({ command: 'true', timeout_ms: 5000 }).success, true);
});

test('the policy target is the command and the directory it would run in', async (t) => {
  const { bash, run, root, cleanup } = await setup();
  t.after(cleanup);
  assert.deepEqual(bash.target({ command: 'npm test' }, root), { command: 'npm test', cwd: root });
  await run('mkdir -p sub && cd sub');
  assert.equal(bash.target({ command: 'ls' }, root).cwd, join(root, 'sub'));
});

/** The pid a shell wrote to `path`, or undefined while the file is missing or half written. */
function readPid(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  return text.endsWith('\n') ? Number(text.trim()) : undefined;
}

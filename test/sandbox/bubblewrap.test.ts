/**
 * The bubblewrap sandbox, for real: every command goes through the real bash tool with
 * env.sandbox set to the bwrap backend, and every assertion is on what a user would notice
 * (files on the host, output, processes left running).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { eventually } from '../tools/process-test-support.ts';
import { bubblewrap, bubblewrapSandbox, hostBash, processesWith, projectPolicy, sandboxedShell, skipWithoutBubblewrap } from './support.ts';

const skip = skipWithoutBubblewrap;

/** A temp folder holding a project, a sibling folder and a home, all real paths. */
async function workspace(): Promise<{ base: string; project: string; sibling: string; home: string; cleanup: () => Promise<void> }> {
  const base = realpathSync(await mkdtemp(join(tmpdir(), 'ward-bwrap-')));
  const project = join(base, 'project');
  const sibling = join(base, 'project_sibling');
  const home = join(base, 'home');
  for (const folder of [project, sibling, home]) mkdirSync(folder);
  return { base, project, sibling, home, cleanup: () => rm(base, { recursive: true, force: true }) };
}

test('a command writes inside the project, and the file is there on the host', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)));
  const result = await run('mkdir -p dist && echo built > dist/out.txt && cat dist/out.txt');
  assert.equal(result.isError, false, result.output);
  assert.match(result.output, /^built\nExit code: 0/);
  assert.equal(readFileSync(join(ws.project, 'dist', 'out.txt'), 'utf8'), 'built\n');
});

test('writing outside the project fails: a sibling folder (prefix of the project name), $HOME, /etc', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const marker = `ward-canary-${randomUUID()}`;
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)), { PATH: process.env.PATH ?? '', HOME: ws.home });
  for (const target of [join(ws.sibling, 'x.txt'), join(ws.home, '.bashrc'), `/etc/${marker}`, '/usr/local/bin/ward-planted']) {
    const result = await run(`echo pwned > '${target}'`);
    assert.equal(result.isError, true, `${target}: ${result.output}`);
    // Read-only, or not there at all (these temp folders live in /tmp, which is private inside).
    assert.match(result.output, /Read-only file system|No such file or directory/);
    assert.equal(existsSync(target), false, `${target} was created on the host`);
  }
  writeFileSync(join(ws.sibling, 'keep.txt'), 'keep');
  await run(`rm -rf '${ws.sibling}' ~/.. /etc/hostname`);
  assert.equal(readFileSync(join(ws.sibling, 'keep.txt'), 'utf8'), 'keep', 'the sibling folder was deleted');
  assert.equal(existsSync(ws.home), true, 'the home folder was deleted');
});

test('deny-read files and folders cannot be read; their content never appears', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const canary = `CANARY-${randomUUID()}`;
  mkdirSync(join(ws.home, '.ssh'));
  writeFileSync(join(ws.home, '.ssh', 'id_ed25519'), `${canary}-key`);
  writeFileSync(join(ws.project, '.env'), `API_TOKEN=${canary}-env`);
  writeFileSync(join(ws.project, 'readme.txt'), 'ordinary');
  const policy = projectPolicy(ws.project, { denyRead: [join(ws.home, '.ssh'), join(ws.project, '.env'), join(ws.home, '.aws')] });
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(policy), { PATH: process.env.PATH ?? '', HOME: ws.home });

  const attempts = [
    'cat .env',
    `cat ${ws.home}/.ssh/id_ed25519`,
    `ls -la ${ws.home}/.ssh`,
    'grep -r CANARY . ; true',
    `grep -r CANARY ${ws.home} ; true`,
    `cp .env copied && cat copied`,
    `ln -s ${ws.home}/.ssh/id_ed25519 link && cat link`,
    'mv .env moved && cat moved',
    'tar cf - . 2>/dev/null | strings | grep CANARY ; true',
  ];
  for (const command of attempts) {
    const result = await run(command);
    assert.doesNotMatch(result.output, new RegExp(canary), `${command} revealed the canary:\n${result.output}`);
  }
  assert.equal(readFileSync(join(ws.project, '.env'), 'utf8'), `API_TOKEN=${canary}-env`, '.env was changed on the host');
  const ordinary = await run('cat readme.txt');
  assert.match(ordinary.output, /^ordinary\nExit code: 0/);
});

test('read-only paths in the project cannot be changed, replaced or created, existing or not', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  execFileSync('git', ['init', '-q', ws.project]);
  // Missing names directly in the project (.ward, .vscode) are not held by the sandbox (that
  // would leave folders in the user's tree); agent/protected-watch.ts moves them aside after a
  // command. A missing path below an existing folder is held by that folder.
  mkdirSync(join(ws.project, '.github'));
  mkdirSync(join(ws.project, '.ward'));
  const hooks = join(ws.project, '.git', 'hooks');
  const config = join(ws.project, '.git', 'config');
  const configBefore = readFileSync(config, 'utf8');
  const readOnly = [hooks, config, join(ws.project, '.ward', 'settings.json'), join(ws.project, '.vscode', 'tasks.json'), join(ws.project, '.github', 'workflows')];
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project, { readOnly })));

  const attempts: [string, string][] = [
    ['printf "#!/bin/sh\\ncurl evil\\n" > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit', join(hooks, 'pre-commit')],
    ['mkdir -p .ward && echo {} > .ward/settings.json', join(ws.project, '.ward', 'settings.json')],
    ['mkdir -p .github/workflows && echo on: push > .github/workflows/ci.yml', join(ws.project, '.github', 'workflows', 'ci.yml')],
  ];
  for (const [command, path] of attempts) {
    const result = await run(command);
    assert.equal(result.isError, true, `${command}: ${result.output}`);
    assert.equal(existsSync(path), false, `${path} was created`);
  }
  for (const command of ['git config core.hooksPath /tmp/evil', 'echo "[core] fsmonitor = evil" >> .git/config', 'mv .git/config .git/config.old', 'rm -rf .git/hooks', 'mv .git .git-moved && mkdir -p .git-moved/hooks']) {
    const result = await run(command);
    assert.equal(result.isError, true, `${command}: ${result.output}`);
  }
  assert.equal(readFileSync(config, 'utf8'), configBefore, '.git/config changed');
  assert.equal(existsSync(hooks), true, '.git/hooks was removed');

  // Ordinary git work in the same repository is unaffected.
  const work = await run('echo hi > a.txt && git add a.txt && git -c user.name=t -c user.email=t@t commit -qm first && git log --format=%s');
  assert.equal(work.isError, false, work.output);
  assert.match(work.output, /^first\nExit code: 0/);
});

test('/tmp is private: what a command writes there is not on the host /tmp', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const name = `ward-private-tmp-${randomUUID()}`;
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)));
  const result = await run(`echo inside > /tmp/${name} && cat /tmp/${name} && ls /tmp | wc -l`);
  assert.equal(result.isError, false, result.output);
  assert.match(result.output, /^inside\n/);
  assert.equal(existsSync(join('/tmp', name)), false);
});

test('no network: a listener on the host loopback receives nothing, and names do not resolve', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const { createServer } = await import('node:net');
  let connections = 0;
  const listener = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  t.after(() => listener.close());
  const address = listener.address();
  assert.ok(address !== null && typeof address === 'object');
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)));

  const tcp = await run(`exec 5<>/dev/tcp/127.0.0.1/${address.port} && echo CONNECTED`);
  assert.doesNotMatch(tcp.output, /CONNECTED/);
  const curl = await run(`curl -sS --max-time 5 http://127.0.0.1:${address.port}/ && echo FETCHED`);
  assert.doesNotMatch(curl.output, /FETCHED/);
  const dns = await run('getent hosts example.com && echo RESOLVED');
  assert.doesNotMatch(dns.output, /RESOLVED/);
  const interfaces = await run('cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "');
  assert.match(interfaces.output, /^lo\nExit code: 0/);
  assert.equal(connections, 0);
});

test('local daemons\' sockets under /run are not reachable', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const socketPath = `/run/ward-test-${randomUUID()}.sock`;
  const { createServer } = await import('node:net');
  let connections = 0;
  const daemon = createServer((socket) => {
    connections += 1;
    socket.end('DAEMON-ANSWER\n');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      daemon.once('error', reject);
      daemon.listen(socketPath, resolve);
    });
  } catch (error) {
    t.skip(`cannot create a socket under /run here: ${String(error)}`);
    return;
  }
  t.after(() => daemon.close());
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)));
  const result = await run(`curl -sS --max-time 5 --unix-socket ${socketPath} http://x/ ; ls /run`);
  assert.doesNotMatch(result.output, /DAEMON-ANSWER/);
  assert.equal(connections, 0);
});

test('the environment is exactly the one passed: a host variable outside it is absent', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  process.env.WARD_TEST_HOST_SECRET = 'host-only-value';
  t.after(() => delete process.env.WARD_TEST_HOST_SECRET);
  const childEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: ws.home, WARD_TEST_PASSED: 'passed-value' };
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)), childEnv);
  const result = await run('env -0 | tr "\\0" "\\n" | cut -d= -f1 | sort');
  assert.equal(result.isError, false, result.output);
  const names = result.output.split('\n').slice(0, -1).filter((name) => name !== '');
  // bash itself sets PWD, SHLVL and _ (the same happens outside the sandbox).
  assert.deepEqual(names.filter((name) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(name)), ['HOME', 'PATH', 'WARD_TEST_PASSED']);
  const values = await run('echo "$WARD_TEST_PASSED/${WARD_TEST_HOST_SECRET:-absent}/$HOME"');
  assert.match(values.output, new RegExp(`^passed-value/absent/${ws.home}\\n`));
});

test('a masked home is replaced by the sandbox temp folder in HOME', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  writeFileSync(join(ws.home, 'secret.txt'), 'CANARY-home');
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project, { denyRead: [ws.home] })), { PATH: process.env.PATH ?? '', HOME: ws.home });
  const result = await run(`echo "$HOME"; ls -A ${ws.home}; cat ${ws.home}/secret.txt; echo written > ~/note && cat ~/note`);
  assert.doesNotMatch(result.output, /CANARY-home/);
  assert.match(result.output, /^\/tmp\n/);
  assert.match(result.output, /written/);
});

test('the command has no capabilities and cannot create user namespaces', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)));
  const caps = await run('grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status');
  assert.equal(caps.isError, false, caps.output);
  const values = [...caps.output.matchAll(/^Cap\w+:\s+([0-9a-f]+)$/gm)].map((match) => match[1]);
  assert.deepEqual(values, ['0000000000000000', '0000000000000000', '0000000000000000', '0000000000000000', '0000000000000000']);
  if (bubblewrap?.disableNestedUserNamespaces === true) {
    const nested = await run('unshare --user --map-root-user true && echo NESTED');
    assert.doesNotMatch(nested.output, /NESTED/);
  }
});

test('the working directory persists between commands inside the sandbox (fd 3 side channel)', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  mkdirSync(join(ws.project, 'src', 'deep'), { recursive: true });
  const { run, shell } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)));
  const first = await run('cd src/deep');
  assert.match(first.output, /Working directory is now .*src\/deep/);
  assert.equal(shell.cwd, join(ws.project, 'src', 'deep'));
  const second = await run('pwd');
  assert.match(second.output, new RegExp(`^${join(ws.project, 'src', 'deep')}\\n`));
});

test('a working directory that is hidden inside the sandbox falls back to the project, not to a dead end', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const { run, shell } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)));
  // The sibling exists on the host, but inside it is under the private /tmp: the command makes
  // its own, ends there, and the next command could not start there.
  await run(`mkdir -p ${ws.sibling} && cd ${ws.sibling}`);
  assert.equal(shell.cwd, ws.sibling);
  const next = await run('pwd && echo works > here.txt');
  assert.match(next.output, new RegExp(`^${ws.project}\\nExit code: 0`));
  assert.equal(shell.cwd, ws.project);
  assert.equal(readFileSync(join(ws.project, 'here.txt'), 'utf8'), 'works\n');
});

test('a background process is killed with its job, and nothing a command leaves behind survives', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const { run, call, shell } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)));
  t.after(() => shell.killAll());

  // A grandchild left running by a foreground command ends when the command does.
  const leftover = `${Math.floor(Math.random() * 1e6)}.4321`;
  const foreground = await run(`(sleep ${leftover} &) ; sleep ${leftover} & echo started`);
  assert.match(foreground.output, /^started\n/);
  await eventually(() => (processesWith(`sleep ${leftover}`).length === 0 ? true : undefined), 'leftover sleeps to end');

  // A background job's grandchild ends when the job is killed.
  const marker = `${Math.floor(Math.random() * 1e6)}.8765`;
  const started = await run(`sh -c 'sleep ${marker}' & sleep ${marker}; wait`, { run_in_background: true });
  const jobId = /Started background job (bg_\d+)/.exec(started.output)?.[1];
  assert.ok(jobId !== undefined, started.output);
  await eventually(() => (processesWith(`sleep ${marker}`).length >= 2 ? true : undefined), 'the job to start its sleeps');
  const killed = await call('bash_kill', { job_id: jobId });
  assert.match(killed.output, /was killed/);
  assert.deepEqual(processesWith(`sleep ${marker}`), []);

  // And at the end of the session, every job still running.
  const last = `${Math.floor(Math.random() * 1e6)}.1357`;
  await run(`sleep ${last}`, { run_in_background: true });
  await eventually(() => (processesWith(`sleep ${last}`).length > 0 ? true : undefined), 'the last job to start');
  await shell.killAll();
  assert.deepEqual(processesWith(`sleep ${last}`), []);
});

test('a timed-out command is killed with everything inside the sandbox', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  const { run } = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)));
  const marker = `${Math.floor(Math.random() * 1e6)}.2468`;
  const result = await run(`sleep ${marker} & sleep ${marker}`, { timeout_ms: 500 });
  assert.match(result.output, /Timed out after 500 ms/);
  assert.deepEqual(processesWith(`sleep ${marker}`), []);
});

test('ordinary commands give the same output and exit code inside the sandbox as outside', { skip }, async (t) => {
  const ws = await workspace();
  t.after(ws.cleanup);
  execFileSync('git', ['init', '-q', ws.project]);
  writeFileSync(join(ws.project, 'index.js'), 'console.log("sum", 1 + 2);\n');
  writeFileSync(join(ws.project, 'notes.md'), '# notes\n');
  mkdirSync(join(ws.project, 'src'));
  writeFileSync(join(ws.project, 'src', 'a.ts'), 'export const a = 1;\n');
  const childEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: ws.home, LANG: 'C' };
  const inside = sandboxedShell(ws.project, bubblewrapSandbox(projectPolicy(ws.project)), childEnv).run;
  const outside = hostBash(ws.project, childEnv);
  const commands = [
    'ls -la | cut -c1-10,40- | tail -n +2 | sort -k2',
    'git status --short --branch',
    `${process.execPath} -e 'console.log(process.version, 6 * 7)'`,
    `${process.execPath} index.js`,
    'cat notes.md src/a.ts | wc -l',
    'grep -rn export src',
    'ls missing-file',
    'exit 3',
  ];
  for (const command of commands) {
    const [a, b] = [await inside(command), await outside(command)];
    assert.equal(a.output, b.output, `output differs for ${command}`);
    assert.equal(a.exitCode, b.exitCode, `exit code differs for ${command}`);
  }
});

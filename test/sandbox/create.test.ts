import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSandbox } from '../../src/sandbox/create.ts';
import { SANDBOX_EXEC_PATH } from '../../src/sandbox/seatbelt.ts';
import { makeTempProject } from '../tools/env.ts';
import { projectPolicy } from './support.ts';

test('without an available backend there is no sandbox, never a silent fallback to the host', async (t) => {
  const project = await makeTempProject('ward-create-');
  t.after(project.cleanup);
  assert.throws(() => createSandbox(projectPolicy(project.root), { available: false, reason: 'bwrap missing', fix: 'install it' }), /no sandbox is available \(bwrap missing\)/);
});

test('bubblewrap detection gives a confining bubblewrap sandbox that wraps commands in bwrap', async (t) => {
  const project = await makeTempProject('ward-create-');
  t.after(project.cleanup);
  const sandbox = createSandbox(projectPolicy(project.root), { available: true, backend: 'bubblewrap', path: '/usr/bin/bwrap', disableNestedUserNamespaces: true });
  t.after(() => sandbox.close());
  assert.equal(sandbox.name, 'bubblewrap');
  assert.equal(sandbox.confining, true);
  assert.equal(sandbox.proxy, null);
  const wrapped = sandbox.wrap({ file: 'bash', args: ['-c', 'true'], cwd: project.root, env: { PATH: '/usr/bin' } });
  assert.equal(wrapped.file, '/usr/bin/bwrap');
  assert.ok(wrapped.args.includes('--disable-userns'));
  assert.deepEqual(wrapped.args.slice(-3), ['bash', '-c', 'true']);
});

test('seatbelt detection gives a sandbox-exec sandbox', async (t) => {
  const project = await makeTempProject('ward-create-');
  t.after(project.cleanup);
  const sandbox = createSandbox(projectPolicy(project.root), { available: true, backend: 'seatbelt', path: SANDBOX_EXEC_PATH });
  t.after(() => sandbox.close());
  assert.equal(sandbox.name, 'seatbelt');
  assert.equal(sandbox.wrap({ file: 'bash', args: [], cwd: project.root, env: {} }).file, SANDBOX_EXEC_PATH);
});

test('allowed domains start the proxy on a private socket, and close() removes it', async (t) => {
  const project = await makeTempProject('ward-create-');
  t.after(project.cleanup);
  const sandbox = createSandbox(projectPolicy(project.root, { network: { kind: 'proxy', allowedDomains: ['github.com'] } }), { available: true, backend: 'bubblewrap', path: '/usr/bin/bwrap' });
  const socketPath = sandbox.proxy?.socketPath;
  assert.ok(typeof socketPath === 'string');
  assert.equal(existsSync(socketPath), true);
  const wrapped = sandbox.wrap({ file: 'bash', args: ['-c', 'true'], cwd: project.root, env: {} });
  assert.ok(wrapped.args.join(' ').includes(`--bind ${socketPath} /run/ward/proxy.sock`));
  await sandbox.close();
  assert.equal(existsSync(dirname(socketPath)), false);
});

test('an invalid domain in the policy stops the sandbox from being created', async (t) => {
  const project = await makeTempProject('ward-create-');
  t.after(project.cleanup);
  assert.throws(() => createSandbox(projectPolicy(project.root, { network: { kind: 'proxy', allowedDomains: ['*.com'] } }), { available: true, backend: 'bubblewrap', path: '/usr/bin/bwrap' }), /invalid network allowlist/);
});

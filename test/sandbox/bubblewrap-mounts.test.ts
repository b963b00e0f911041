/**
 * How the bubblewrap mounts are planned from a policy and the disk. The sandbox tests prove the
 * effect; these pin the rules that are easy to get subtly wrong (order, missing paths, symlinks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountArgs, planMounts } from '../../src/sandbox/bubblewrap-mounts.ts';
import type { Mount } from '../../src/sandbox/bubblewrap-mounts.ts';
import type { SandboxPolicy } from '../../src/sandbox/policy.ts';
import { makeTempProject } from '../tools/env.ts';

function policy(root: string, overrides: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return { writableRoots: [root], denyRead: [], readOnly: [], network: { kind: 'none' }, ...overrides };
}

function describe(mount: Mount): string {
  if (mount.kind === 'tmpfs') return `tmpfs${mount.readOnly ? '-ro' : ''} ${mount.path}`;
  if (mount.kind === 'mask-file') return `mask ${mount.path}`;
  return `${mount.writable ? 'rw' : 'ro'} ${mount.path}${mount.source === mount.path ? '' : ` <- ${mount.source}`}`;
}

test('mounts go shallowest first, so the project shows through a masked home and a .env inside it stays masked', async (t) => {
  const base = await makeTempProject('ward-mounts-');
  t.after(base.cleanup);
  const home = join(base.root, 'home');
  const project = join(home, 'code', 'app');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, '.env'), 'x');
  const plan = planMounts({ policy: policy(project, { denyRead: [home, join(project, '.env')] }) });
  const described = plan.mounts.map(describe).filter((line) => line.includes(base.root));
  assert.deepEqual(described, [`tmpfs-ro ${home}`, `rw ${project}`, `mask ${join(project, '.env')}`]);
  assert.equal(plan.isMasked(home), true);
  assert.equal(plan.isMasked(join(project, 'src')), false);
  // Read-only remounts come after every mount, so mount points below a mask can still be made.
  const args = mountArgs(plan);
  assert.ok(args.lastIndexOf('--remount-ro') > args.indexOf(project));
});

test('missing protected paths: the nearest existing folder becomes read-only; nothing is created in the project', async (t) => {
  const project = await makeTempProject('ward-mounts-');
  t.after(project.cleanup);
  const root = project.root;
  mkdirSync(join(root, '.git', 'hooks'), { recursive: true });
  mkdirSync(join(root, '.github'));
  const plan = planMounts({
    policy: policy(root, {
      readOnly: [join(root, '.git', 'hooks', 'pre-commit'), join(root, '.github', 'workflows'), join(root, '.vscode', 'tasks.json'), join(root, '.envrc'), '/etc/outside'],
    }),
  });
  const described = plan.mounts.map(describe).filter((line) => line.includes(root));
  assert.deepEqual(described.sort(), [`ro ${join(root, '.git', 'hooks')}`, `ro ${join(root, '.github')}`, `rw ${join(root, '.git')}`, `rw ${root}`].sort());
  assert.deepEqual(plan.unenforced, [join(root, '.vscode', 'tasks.json'), join(root, '.envrc')]);
  assert.equal(existsSync(join(root, '.vscode')), false, 'regression: no placeholder folders left in the project');
  assert.equal(existsSync(join(root, '.envrc')), false);
});

test('regression: a repository without .git/hooks gets the empty hooks folder held, not all of .git made read-only', async (t) => {
  const project = await makeTempProject('ward-mounts-');
  t.after(project.cleanup);
  const root = project.root;
  mkdirSync(join(root, '.git'));
  const plan = planMounts({ policy: policy(root, { readOnly: [join(root, '.git', 'hooks')] }) });
  const described = plan.mounts.map(describe).filter((line) => line.includes(root));
  assert.deepEqual(described.sort(), [`ro ${join(root, '.git', 'hooks')}`, `rw ${join(root, '.git')}`, `rw ${root}`].sort());
  assert.equal(statSync(join(root, '.git', 'hooks')).isDirectory(), true);
});

test('every folder between the project and a protected path is pinned, so it cannot be renamed away', async (t) => {
  const project = await makeTempProject('ward-mounts-');
  t.after(project.cleanup);
  const root = project.root;
  mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
  const plan = planMounts({ policy: policy(root, { readOnly: [join(root, 'a', 'b', 'c')] }) });
  assert.deepEqual(plan.mounts.map(describe).filter((line) => line.includes(root)), [`rw ${root}`, `rw ${join(root, 'a')}`, `rw ${join(root, 'a', 'b')}`, `ro ${join(root, 'a', 'b', 'c')}`]);
});

test('symlinks: a deny-read link masks its target; a protected link leading outside the project needs nothing', async (t) => {
  const project = await makeTempProject('ward-mounts-');
  t.after(project.cleanup);
  const root = project.root;
  mkdirSync(join(root, 'secrets'));
  symlinkSync(join(root, 'secrets'), join(root, 'alias'));
  symlinkSync('/etc', join(root, 'etc-link'));
  const plan = planMounts({ policy: policy(root, { denyRead: [join(root, 'alias'), join(root, 'missing')], readOnly: [join(root, 'etc-link')] }) });
  assert.deepEqual(plan.mounts.map(describe).filter((line) => line.includes(root)), [`rw ${root}`, `tmpfs-ro ${join(root, 'secrets')}`]);
});

test('a session temp folder replaces the per-command tmpfs, and the proxy socket is bound last', async (t) => {
  const project = await makeTempProject('ward-mounts-');
  t.after(project.cleanup);
  const tmpDir = join(project.root, 'session-tmp');
  mkdirSync(tmpDir);
  const plan = planMounts({ policy: policy(project.root, { tmpDir }), proxySocket: { source: join(project.root, 'p.sock'), target: '/run/ward/proxy.sock' } });
  const described = plan.mounts.map(describe);
  assert.ok(described.includes(`rw /tmp <- ${tmpDir}`), described.join('\n'));
  assert.equal(described.includes('tmpfs /tmp'), false);
  assert.equal(described.at(-1), `rw /run/ward/proxy.sock <- ${join(project.root, 'p.sock')}`);
  assert.ok(described.indexOf('tmpfs-ro /run') < described.length - 1);
});

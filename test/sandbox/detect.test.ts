/**
 * Detection starts a real sandbox. Where the machine cannot show a failure (bubblewrap works
 * here), a stand-in `bwrap` script on a temporary PATH prints what a real one prints on a
 * kernel that forbids user namespaces, or on a bubblewrap too old for --disable-userns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectSandbox } from '../../src/sandbox/detect.ts';
import { findExecutable, makeTempProject } from '../tools/env.ts';

function fakeBwrap(folder: string, script: string): void {
  const path = join(folder, 'bwrap');
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
}

test('on Linux with a working bubblewrap, it is found and a trial sandbox starts', { skip: process.platform !== 'linux' || findExecutable('bwrap') === null ? 'needs Linux with bubblewrap' : false }, async () => {
  const detection = await detectSandbox('linux', process.env);
  assert.equal(detection.available, true, JSON.stringify(detection));
  assert.ok(detection.available);
  assert.equal(detection.backend, 'bubblewrap');
  assert.equal(detection.path, findExecutable('bwrap'));
});

test('without bwrap on PATH, it says so and how to install it', async () => {
  const detection = await detectSandbox('linux', { PATH: '/nonexistent-ward-path' });
  assert.deepEqual(detection.available, false);
  assert.ok(!detection.available);
  assert.match(detection.reason, /not installed/);
  assert.match(detection.fix, /apt-get install bubblewrap/);
});

test('when user namespaces are forbidden, the real error is reported with the fix', async (t) => {
  const folder = await makeTempProject('ward-detect-');
  t.after(folder.cleanup);
  fakeBwrap(folder.root, 'echo "bwrap: setting up uid map: Permission denied" >&2\nexit 1');
  const detection = await detectSandbox('linux', { PATH: folder.root });
  assert.ok(!detection.available);
  assert.match(detection.reason, /bubblewrap cannot start a sandbox: bwrap: setting up uid map: Permission denied/);
  assert.match(detection.fix, /user namespaces|userns/);
  assert.match(detection.fix, /sysctl/);
});

test('a bubblewrap older than 0.8 works, without --disable-userns', async (t) => {
  const folder = await makeTempProject('ward-detect-');
  t.after(folder.cleanup);
  fakeBwrap(folder.root, 'for a in "$@"; do [ "$a" = --disable-userns ] && { echo "bwrap: Unknown option --disable-userns" >&2; exit 1; }; done\nexit 0');
  const detection = await detectSandbox('linux', { PATH: folder.root });
  assert.deepEqual(detection, { available: true, backend: 'bubblewrap', path: join(folder.root, 'bwrap'), disableNestedUserNamespaces: false });
});

test('a bwrap that hangs does not hang detection: it fails after the trial timeout', { timeout: 30_000 }, async (t) => {
  const folder = await makeTempProject('ward-detect-');
  t.after(folder.cleanup);
  fakeBwrap(folder.root, 'exec sleep 60');
  const detection = await detectSandbox('linux', { PATH: folder.root }, { trialTimeoutMs: 300 });
  assert.ok(!detection.available);
  assert.match(detection.reason, /killed by SIGTERM/);
});

test('macOS needs /usr/bin/sandbox-exec; other platforms have no sandbox', { skip: existsSync('/usr/bin/sandbox-exec') ? 'this machine has sandbox-exec' : false }, async () => {
  const mac = await detectSandbox('darwin', {});
  assert.ok(!mac.available);
  assert.match(mac.reason, /sandbox-exec is missing/);
  const windows = await detectSandbox('win32', {});
  assert.ok(!windows.available);
  assert.match(windows.fix, /WSL/);
  const bsd = await detectSandbox('freebsd', {});
  assert.ok(!bsd.available);
  assert.match(bsd.reason, /no sandbox for freebsd/);
});

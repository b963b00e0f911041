/**
 * When the sandbox cannot start, ward says so once and fails closed; a user who turned the
 * sandbox off in their own settings gets what they chose. Simulated with a `bwrap` on PATH
 * that fails the way a kernel without user namespaces makes it fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedServer } from '../support/scripted-server.ts';
import type { Script } from '../support/script.ts';
import { makeWorkspace, runWard, type Workspace } from '../support/run-ward.ts';

function brokenBwrapPath(ws: Workspace): string {
  const bin = join(ws.root, 'fake-bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'bwrap'), "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n");
  chmodSync(join(bin, 'bwrap'), 0o755);
  return `${bin}:${process.env.PATH ?? ''}`;
}

const touch = (name: string): Script => ({ turns: [{ toolCalls: [{ name: 'bash', input: { command: `touch ${name}` } }] }, { text: 'done' }] });

test('a sandbox that cannot start is reported once, and commands not allowed by a rule are denied headless', async () => {
  const ws = makeWorkspace();
  const server = await startScriptedServer({ turns: [...touch('by-auto').turns, ...touch('by-rule').turns] });
  const env = { WARD_HOME: ws.home, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', PATH: brokenBwrapPath(ws) };
  try {
    const auto = await runWard(['-p', 'go', '--permission-mode', 'auto'], { cwd: ws.project, env });
    assert.equal(auto.code, 0, auto.stderr);
    assert.equal(auto.stderr.match(/warning: the sandbox cannot start/g)?.length, 1, 'said once, at the start');
    assert.match(auto.stderr, /warning: the sandbox cannot start: .*Permission denied.*user namespaces/);
    assert.match(auto.stderr, /ask: the sandbox cannot start .*\[sandbox unavailable\]\n {2}not approved/);
    assert.equal(existsSync(join(ws.project, 'by-auto')), false);

    const rule = await runWard(['-p', 'go', '--allowed-tools', 'bash(touch by-rule)'], { cwd: ws.project, env });
    assert.equal(rule.code, 0, rule.stderr);
    assert.match(rule.stderr, /allow: allowed by rule bash\(touch by-rule\) \(unsandboxed: the sandbox cannot start/);
    assert.match(rule.stderr, /runs unsandboxed, on this machine/);
    assert.equal(existsSync(join(ws.project, 'by-rule')), true);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('a user who turns the sandbox off gets commands run on the host under the usual mode rules, and is told so', async () => {
  const ws = makeWorkspace();
  const server = await startScriptedServer(touch('by-choice'));
  mkdirSync(ws.home, { recursive: true });
  writeFileSync(join(ws.home, 'settings.json'), JSON.stringify({ sandbox: { enabled: false } }));
  const env = { WARD_HOME: ws.home, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key', PATH: brokenBwrapPath(ws) };
  try {
    const run = await runWard(['-p', 'go', '--permission-mode', 'auto'], { cwd: ws.project, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: the sandbox is turned off \(.*settings\.json\): commands run on this machine/);
    assert.match(run.stderr, /allow: runs unsandboxed: the sandbox is turned off/);
    assert.equal(existsSync(join(ws.project, 'by-choice')), true);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

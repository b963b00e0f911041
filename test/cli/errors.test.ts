/**
 * Bad input of every kind gets a clear message naming what was wrong and what to do, the
 * documented exit code, and loses nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedServer } from '../support/scripted-server.ts';
import { makeWorkspace, onlyTranscript, REPO_ROOT, runWard } from '../support/run-ward.ts';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

test('--version prints the package version and --help documents options and exit codes', async () => {
  const version = await runWard(['--version'], { cwd: REPO_ROOT });
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), pkg.version);
  const help = await runWard(['--help'], { cwd: REPO_ROOT });
  assert.equal(help.code, 0);
  for (const text of ['--output-format', '--permission-mode', '--allowed-tools', '--resume', 'Exit codes', 'ANTHROPIC_API_KEY', 'OPENAI_BASE_URL']) {
    assert.ok(help.stdout.includes(text), `help lacks ${text}`);
  }
});

test('usage errors name the flag or value and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--frobnicate'], /unknown option '--frobnicate'/i],
    [['-p', 'x', '--output-format', 'xml'], /--output-format must be text, json or stream-json, not "xml"/],
    [['-p', 'x', '--permission-mode', 'yolo'], /--permission-mode must be one of/],
    [['-p', 'x', '--max-turns', '0'], /--max-turns must be a whole number/],
    [['-p', 'x', '--base-url', 'not a url'], /--base-url "not a url" is not a URL/],
    [['-p', 'x', '--provider', 'bogus'], /bogus/],
    [['-p', 'x', '--allowed-tools', 'Frob(x)'], /--allowed-tools: "Frob\(x\)" names an unknown tool/],
    [['-p', 'x', '--continue', '--resume', 'abc'], /cannot be combined/],
    [['do something'], /interactive terminal UI is not available yet.*ward -p/],
  ];
  const ws = makeWorkspace();
  try {
    for (const [args, message] of cases) {
      const run = await runWard(args, { cwd: ws.project, env: { WARD_HOME: ws.home, ANTHROPIC_API_KEY: 'fake-test-key' } });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
    }
  } finally {
    ws.cleanup();
  }
});

test('a provider chosen without its key names the variable to set', async () => {
  const ws = makeWorkspace();
  try {
    const anthropic = await runWard(['-p', 'x', '--provider', 'anthropic'], { cwd: ws.project, env: { WARD_HOME: ws.home } });
    assert.equal(anthropic.code, 2);
    assert.match(anthropic.stderr, /ANTHROPIC_API_KEY/);
    const openai = await runWard(['-p', 'x', '--provider', 'openai'], { cwd: ws.project, env: { WARD_HOME: ws.home } });
    assert.equal(openai.code, 2);
    assert.match(openai.stderr, /OPENAI_API_KEY/);
  } finally {
    ws.cleanup();
  }
});

test('a model the server rejects fails with the model named, without retrying', async () => {
  const server = await startScriptedServer({ turns: [{ text: 'unused' }], models: ['the-only-model'] });
  const ws = makeWorkspace();
  try {
    const run = await runWard(['-p', 'x', '--model', 'no-such-model'], {
      cwd: ws.project,
      env: { WARD_HOME: ws.home, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key' },
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /no-such-model/);
    assert.match(run.stderr, /--model/);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

test('a missing working directory and unreadable prompt input are usage errors', async () => {
  const ws = makeWorkspace();
  try {
    const missing = await runWard(['-p', 'x', '--cwd', join(ws.root, 'nope')], { cwd: ws.project, env: { WARD_HOME: ws.home, ANTHROPIC_API_KEY: 'fake-test-key' } });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--cwd .*nope.* does not exist/);
    const binary = await runWard(['-p'], { cwd: ws.project, env: { WARD_HOME: ws.home, ANTHROPIC_API_KEY: 'fake-test-key' }, stdin: Buffer.from([0x66, 0x69, 0xff, 0xfe, 0x78]) });
    assert.equal(binary.code, 2);
    assert.match(binary.stderr, /not valid UTF-8/);
    const invalid = await runWard(['-p'], { cwd: ws.project, env: { WARD_HOME: ws.home, ANTHROPIC_API_KEY: 'fake-test-key' } });
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /no prompt/);
  } finally {
    ws.cleanup();
  }
});

test('--resume of a damaged transcript names the file and line, and leaves it untouched', async () => {
  const server = await startScriptedServer({ turns: [{ text: 'first' }, { text: 'second' }] });
  const ws = makeWorkspace();
  const env = { WARD_HOME: ws.home, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key' };
  try {
    assert.equal((await runWard(['-p', 'x'], { cwd: ws.project, env })).code, 0);
    const path = onlyTranscript(ws.home);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = 'garbage';
    writeFileSync(path, lines.join('\n'));
    const run = await runWard(['-p', 'y', '--continue'], { cwd: ws.project, env });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /damaged at line 2: not valid JSON/);
    assert.equal(readFileSync(path, 'utf8'), lines.join('\n'));
  } finally {
    await server.close();
    ws.cleanup();
  }
});

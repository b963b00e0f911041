/**
 * A protected path the policy could not see being written (a program writes it) is moved aside
 * after the command, before anything else can use it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedServer } from '../support/scripted-server.ts';
import { makeWorkspace, runWard } from '../support/run-ward.ts';

test('a command that creates .vscode/tasks.json behind the analyser\'s back has it moved aside, and the model is told', async () => {
  const program = "require('fs').mkdirSync('.vscode', {recursive: true}); require('fs').writeFileSync('.vscode/tasks.json', '{\"tasks\": []}')";
  const server = await startScriptedServer({
    turns: [{ toolCalls: [{ name: 'bash', input: { command: `node -e "${program.replaceAll('"', '\\"')}"` } }] }, { text: 'done' }],
  });
  const ws = makeWorkspace();
  try {
    const run = await runWard(['-p', 'go', '--permission-mode', 'auto'], {
      cwd: ws.project,
      env: { WARD_HOME: ws.home, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'fake-test-key' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(existsSync(join(ws.project, '.vscode', 'tasks.json')), false);
    const quarantine = join(ws.home, 'quarantine');
    const [moment] = readdirSync(quarantine);
    assert.equal(readFileSync(join(quarantine, moment ?? '', '.vscode', 'tasks.json'), 'utf8'), '{"tasks": []}');
    assert.match(run.stderr, /warning: .vscode\/tasks\.json appeared at a protected path without approval; ward moved it to/);
    const body = JSON.stringify(server.requests[1]?.body);
    assert.match(body, /vscode\/tasks\.json appeared at a protected path without approval/);
  } finally {
    await server.close();
    ws.cleanup();
  }
});

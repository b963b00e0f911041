/**
 * What the model sees (the system prompt and every tool's name, description and JSON Schema),
 * pinned in test/fixtures/model-visible.json. Any change to it is a reviewable diff: it changes
 * model behaviour and invalidates every cached prompt prefix. Regenerate deliberately with
 *   WARD_UPDATE_SNAPSHOTS=1 node --test test/agent/model-visible.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createSessionTools } from '../../src/agent/session-runner.ts';
import { buildSystemPrompt } from '../../src/context/system-prompt.ts';
import { hostRunner } from '../../src/sandbox/host.ts';
import { ToolRegistry } from '../../src/tools/registry.ts';
import { BUILTIN_TOOL_NAMES } from '../../src/tools/tool-names.ts';
import { createReadLedger } from '../../src/tools/read-ledger.ts';

const SNAPSHOT = new URL('../fixtures/model-visible.json', import.meta.url);

test('the system prompt and tool schemas the model sees match the reviewed snapshot', async () => {
  const { tools, shutdown } = createSessionTools({
    projectRoot: '/project',
    sandbox: hostRunner,
    childEnv: {},
    commandTimeoutMs: 120_000,
    maxCommandTimeoutMs: 600_000,
    outputCapChars: 30_000,
    ripgrepPath: null,
    fetch: globalThis.fetch,
    readLedger: createReadLedger(),
  });
  await shutdown();
  const registry = new ToolRegistry(tools);
  const visible = {
    system: buildSystemPrompt({ projectRoot: '/project', platform: 'linux x64', date: '2026-01-01', permissionMode: 'default', headless: true }).split('\n'),
    tools: registry.specs(),
  };
  assert.deepEqual(registry.names(), [...BUILTIN_TOOL_NAMES], 'BUILTIN_TOOL_NAMES must list every session tool, in order');
  const actual = `${JSON.stringify(visible, null, 2)}\n`;
  if (process.env.WARD_UPDATE_SNAPSHOTS === '1') writeFileSync(SNAPSHOT, actual);
  assert.equal(actual, readFileSync(SNAPSHOT, 'utf8'), 'the model-visible text changed: review the diff, then regenerate the snapshot');
});

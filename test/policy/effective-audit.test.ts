/**
 * audit.includeContent: the user's or their organisation's choice, never a repository's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveEffectivePolicy, type EffectivePolicy } from '../../src/policy/effective.ts';
import { BUILTIN_TOOL_NAMES } from '../../src/tools/tool-names.ts';

interface Files {
  readonly managed?: unknown;
  readonly user?: unknown;
  readonly project?: unknown;
  readonly projectLocal?: unknown;
}

function resolveWith(files: Files, trustProject = false): EffectivePolicy {
  const root = mkdtempSync(join(tmpdir(), 'ward-audit-settings-'));
  try {
    const project = join(root, 'project');
    const wardHome = join(root, 'home');
    mkdirSync(join(project, '.ward'), { recursive: true });
    mkdirSync(wardHome);
    const write = (path: string, content: unknown): void => {
      if (content !== undefined) writeFileSync(path, JSON.stringify(content));
    };
    write(join(root, 'managed.json'), files.managed);
    write(join(wardHome, 'settings.json'), files.user);
    write(join(project, '.ward', 'settings.json'), files.project);
    write(join(project, '.ward', 'settings.local.json'), files.projectLocal);
    return resolveEffectivePolicy({
      projectRoot: project,
      wardHome,
      knownTools: new Set<string>(BUILTIN_TOOL_NAMES),
      cli: { mode: undefined, allowedTools: [], disallowedTools: [] },
      trustProject,
      managedSettingsPath: join(root, 'managed.json'),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const ON = { audit: { includeContent: true } };
const OFF = { audit: { includeContent: false } };

test('content is not recorded unless a setting says so', () => {
  assert.deepEqual(resolveWith({}).audit, { includeContent: false, origin: null });
});

test('user settings turn content logging on', () => {
  const policy = resolveWith({ user: ON });
  assert.equal(policy.audit.includeContent, true);
  assert.equal(policy.audit.origin?.layer, 'user');
});

test('managed settings decide over the user, either way', () => {
  assert.equal(resolveWith({ managed: OFF, user: ON }).audit.includeContent, false);
  assert.equal(resolveWith({ managed: ON, user: OFF }).audit.includeContent, true);
  assert.equal(resolveWith({ managed: ON }).audit.origin?.layer, 'managed');
});

test('a project can neither turn content logging on (even trusted) nor off, and is told so', () => {
  for (const trusted of [false, true]) {
    const on = resolveWith({ project: ON, projectLocal: ON }, trusted);
    assert.equal(on.audit.includeContent, false);
    assert.equal(on.warnings.filter((warning) => /audit\.includeContent is ignored/.test(warning)).length, 2);
  }
  const off = resolveWith({ user: ON, project: OFF });
  assert.equal(off.audit.includeContent, true);
  assert.equal(off.audit.origin?.layer, 'user');
});

test('a misspelt audit setting is an error naming the field', () => {
  assert.throws(() => resolveWith({ user: { audit: { includeContents: true } } }), /audit/);
});

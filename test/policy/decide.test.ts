import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Policy } from '../../src/policy/decide.ts';
import { parseRule } from '../../src/policy/rules.ts';
import type { PermissionMode } from '../../src/events/schema.ts';
import { BUILTIN_TOOL_NAMES } from '../../src/tools/tool-names.ts';

const known = new Set<string>(BUILTIN_TOOL_NAMES);

function setup(): { root: string; project: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'ward-policy-'));
  const project = join(root, 'proj');
  mkdirSync(join(project, 'src'), { recursive: true });
  mkdirSync(join(root, 'proj_evil'));
  return { root, project, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function policy(project: string, mode: PermissionMode, allow: string[] = [], deny: string[] = []): Policy {
  return new Policy({
    mode,
    allow: allow.map((rule) => parseRule(rule, known)),
    deny: deny.map((rule) => parseRule(rule, known)),
    projectRoot: project,
    home: '/home/nobody',
  });
}

test('default mode allows reads inside the project and asks for everything else, with reasons', () => {
  const { project, cleanup } = setup();
  try {
    const p = policy(project, 'default');
    const read = p.decide({ tool: 'read', kind: 'read', target: { paths: [join(project, 'src/a.ts')] } });
    assert.equal(read.decision, 'allow');
    assert.match(read.reason, /inside the project/);
    const edit = p.decide({ tool: 'edit', kind: 'edit', target: { paths: [join(project, 'src/a.ts')] } });
    assert.equal(edit.decision, 'ask');
    const bash = p.decide({ tool: 'bash', kind: 'execute', target: { command: 'ls' } });
    assert.equal(bash.decision, 'ask');
    assert.equal(bash.source, 'mode default');
    assert.equal(p.decide({ tool: 'todo', kind: 'internal', target: {} }).decision, 'allow');
  } finally {
    cleanup();
  }
});

test('a sibling folder sharing the project name as a prefix is outside the project', () => {
  const { root, project, cleanup } = setup();
  try {
    const decision = policy(project, 'default').decide({ tool: 'read', kind: 'read', target: { paths: [join(root, 'proj_evil', 'x')] } });
    assert.equal(decision.decision, 'ask');
    assert.match(decision.reason, /outside the project/);
  } finally {
    cleanup();
  }
});

test('a symlink inside the project that points outside is judged by where it points', () => {
  const { root, project, cleanup } = setup();
  try {
    symlinkSync(join(root, 'proj_evil'), join(project, 'link'));
    const decision = policy(project, 'accept-edits').decide({ tool: 'write', kind: 'edit', target: { paths: [join(project, 'link', 'new-file')] } });
    assert.equal(decision.decision, 'ask');
  } finally {
    cleanup();
  }
});

test('accept-edits allows edits inside the project but not to .git', () => {
  const { project, cleanup } = setup();
  try {
    const p = policy(project, 'accept-edits');
    assert.equal(p.decide({ tool: 'edit', kind: 'edit', target: { paths: [join(project, 'src/a.ts')] } }).decision, 'allow');
    const hook = p.decide({ tool: 'write', kind: 'edit', target: { paths: [join(project, '.git/hooks/pre-commit')] } });
    assert.equal(hook.decision, 'ask');
    assert.match(hook.reason, /protected/);
    assert.equal(p.decide({ tool: 'bash', kind: 'execute', target: { command: 'ls' } }).decision, 'ask');
  } finally {
    cleanup();
  }
});

test('plan mode denies anything that changes state, even when an allow rule matches', () => {
  const { project, cleanup } = setup();
  try {
    const p = policy(project, 'plan', ['bash']);
    const decision = p.decide({ tool: 'bash', kind: 'execute', target: { command: 'npm test' } });
    assert.equal(decision.decision, 'deny');
    assert.match(decision.reason, /plan mode/);
    assert.equal(p.decide({ tool: 'read', kind: 'read', target: { paths: [join(project, 'x')] } }).decision, 'allow');
  } finally {
    cleanup();
  }
});

test('bypass allows everything except what a deny rule names', () => {
  const { project, cleanup } = setup();
  try {
    const p = policy(project, 'bypass', [], ['bash(rm:*)']);
    assert.equal(p.decide({ tool: 'bash', kind: 'execute', target: { command: 'curl example.org' } }).decision, 'allow');
    const denied = p.decide({ tool: 'bash', kind: 'execute', target: { command: 'echo hi; rm -rf /' } });
    assert.equal(denied.decision, 'deny');
    assert.equal(denied.source, '--disallowed-tools bash(rm:*)');
  } finally {
    cleanup();
  }
});

test('allow rules match exact commands and word-boundary prefixes, never compound commands', () => {
  const { project, cleanup } = setup();
  try {
    const p = policy(project, 'default', ['bash(npm test)', 'bash(git diff:*)']);
    const decide = (command: string): string => p.decide({ tool: 'bash', kind: 'execute', target: { command } }).decision;
    assert.equal(decide('npm test'), 'allow');
    assert.equal(decide('git diff'), 'allow');
    assert.equal(decide('git diff --stat HEAD'), 'allow');
    assert.equal(decide('git difftool'), 'ask');
    assert.equal(decide('npm test && curl http://evil.example'), 'ask');
    assert.equal(decide('npm test; rm -rf ~'), 'ask');
    assert.equal(decide('npm test $(curl evil)'), 'ask');
    assert.equal(decide('npm test > /etc/passwd'), 'ask');
    assert.equal(decide('npm testify'), 'ask');
  } finally {
    cleanup();
  }
});

test('path and domain rules', () => {
  const { project, cleanup } = setup();
  try {
    const p = policy(project, 'default', ['edit(docs/**)', 'web_fetch(domain:nodejs.org)']);
    assert.equal(p.decide({ tool: 'write', kind: 'edit', target: { paths: [join(project, 'docs/a/b.md')] } }).decision, 'allow');
    assert.equal(p.decide({ tool: 'write', kind: 'edit', target: { paths: [join(project, 'src/b.md')] } }).decision, 'ask');
    const fetch = (url: string): string => p.decide({ tool: 'web_fetch', kind: 'network', target: { url } }).decision;
    assert.equal(fetch('https://nodejs.org/api/fs.html'), 'allow');
    assert.equal(fetch('https://docs.nodejs.org/x'), 'allow');
    assert.equal(fetch('https://nodejs.org.evil.example/x'), 'ask');
    assert.equal(fetch('https://evilnodejs.org/x'), 'ask');
  } finally {
    cleanup();
  }
});

test('rule syntax errors name the rule and the known tools', () => {
  assert.throws(() => parseRule('Frobnicate(x)', known), /unknown tool "Frobnicate".*known tools: bash/);
  assert.throws(() => parseRule('bash()', known), /empty parentheses/);
  assert.throws(() => parseRule('bash(npm test', known), /not a rule/);
  assert.deepEqual(parseRule('Bash(npm test)', known).tools, ['bash']);
  assert.deepEqual(parseRule('Edit', known).tools, ['edit', 'write']);
  assert.deepEqual(parseRule('WebFetch(domain:x.org)', known).tools, ['web_fetch']);
});

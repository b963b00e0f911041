import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZodError } from 'zod';
import { checkSandboxPolicy, isWithin } from '../../src/sandbox/policy.ts';
import type { SandboxPolicy } from '../../src/sandbox/policy.ts';

const base: SandboxPolicy = { writableRoots: ['/work/app'], denyRead: [], readOnly: [], network: { kind: 'none' } };

test('containment is by path component, never by string prefix', () => {
  assert.equal(isWithin('/proj', '/proj'), true);
  assert.equal(isWithin('/proj', '/proj/src/a.ts'), true);
  assert.equal(isWithin('/proj', '/proj_evil'), false);
  assert.equal(isWithin('/proj', '/proj_evil/x'), false);
  assert.equal(isWithin('/', '/anything'), true);
});

test('relative, unnormalized or control-character paths are refused, naming the field', () => {
  for (const bad of ['relative/path', '/a/../b', '/a/./b', '/a//b', '/a\0b', '/a\nb', '']) {
    assert.throws(() => checkSandboxPolicy({ ...base, denyRead: [bad] }), (error: unknown) => error instanceof ZodError && error.issues.some((issue) => issue.path[0] === 'denyRead'), JSON.stringify(bad));
  }
  assert.throws(() => checkSandboxPolicy({ ...base, writableRoots: [] }), ZodError);
});

test('an empty domain list becomes no network, never "allow all"; trailing slashes are dropped', () => {
  const checked = checkSandboxPolicy({ ...base, writableRoots: ['/work/app/'], network: { kind: 'proxy', allowedDomains: [] } });
  assert.deepEqual(checked.network, { kind: 'none' });
  assert.deepEqual(checked.writableRoots, ['/work/app']);
  assert.deepEqual(checkSandboxPolicy({ ...base, network: { kind: 'proxy', allowedDomains: ['github.com'] } }).network, { kind: 'proxy', allowedDomains: ['github.com'] });
});

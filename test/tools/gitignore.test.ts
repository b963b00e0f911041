import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IgnoreStack, parseGitignore } from '../../src/tools/gitignore.ts';

const stack = (dir: string, text: string, parent = new IgnoreStack()) => parent.with({ dir, rules: parseGitignore(text) });

test('names at any depth, anchored paths, folders only', () => {
  const ignore = stack('/p', '*.log\n/build\ndocs/api\ncache/\n');
  assert.ok(ignore.ignores('/p/a.log', false));
  assert.ok(ignore.ignores('/p/deep/b.log', false));
  assert.ok(ignore.ignores('/p/build', true));
  assert.ok(!ignore.ignores('/p/src/build', true));
  assert.ok(ignore.ignores('/p/docs/api', true));
  assert.ok(!ignore.ignores('/p/x/docs/api', true));
  assert.ok(ignore.ignores('/p/x/cache', true));
  assert.ok(!ignore.ignores('/p/x/cache', false));
});

test('the last matching rule wins, so ! re-includes', () => {
  const ignore = stack('/p', '*.log\n!keep.log\n');
  assert.ok(ignore.ignores('/p/a.log', false));
  assert.ok(!ignore.ignores('/p/keep.log', false));
});

test('comments, blank lines, escapes, trailing spaces and CRLF', () => {
  const ignore = stack('/p', '# comment\r\n\r\n\\#hash\r\n\\!bang\r\nspaced   \r\n');
  assert.ok(ignore.ignores('/p/#hash', false));
  assert.ok(ignore.ignores('/p/!bang', false));
  assert.ok(ignore.ignores('/p/spaced', false));
  assert.ok(!ignore.ignores('/p/# comment', false));
});

test('** forms', () => {
  const ignore = stack('/p', '**/tmp\na/**/z\nlogs/**\n');
  assert.ok(ignore.ignores('/p/x/y/tmp', true));
  assert.ok(ignore.ignores('/p/a/z', false));
  assert.ok(ignore.ignores('/p/a/b/c/z', false));
  assert.ok(ignore.ignores('/p/logs/x', false));
  assert.ok(!ignore.ignores('/p/logs', true));
});

test('a nested file overrides its parent for its own folder', () => {
  const outer = stack('/p', '*.gen\n');
  const inner = stack('/p/sub', '!*.gen\n', outer);
  assert.ok(outer.ignores('/p/a.gen', false));
  assert.ok(!inner.ignores('/p/sub/a.gen', false));
  assert.ok(inner.ignores('/p/a.gen', false));
});

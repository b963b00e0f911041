import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { splitLines, unifiedDiff } from '../../src/tools/unified-diff.ts';
import { findExecutable, makeTempProject } from './env.ts';

const lines = (count: number, from = 1): string => Array.from({ length: count }, (_, i) => `line ${i + from}\n`).join('');

test('equal texts give an empty diff', () => {
  assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', { oldPath: 'x' }), '');
});

test('a one-line change with three lines of context on each side', () => {
  const before = lines(10);
  const after = before.replace('line 5\n', 'line five\n');
  assert.equal(
    unifiedDiff(before, after, { oldPath: 'src/a.ts' }),
    ['--- src/a.ts', '+++ src/a.ts', '@@ -2,7 +2,7 @@', ' line 2', ' line 3', ' line 4', '-line 5', '+line five', ' line 6', ' line 7', ' line 8', ''].join('\n'),
  );
});

test('changes far apart make two hunks, close ones share one', () => {
  const before = lines(20);
  const far = before.replace('line 2\n', 'two\n').replace('line 18\n', 'eighteen\n');
  const farDiff = unifiedDiff(before, far, { oldPath: 'f' });
  assert.deepEqual(farDiff.split('\n').filter((l) => l.startsWith('@@')), ['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
  // Six unchanged lines between two changes: the contexts touch, so one hunk.
  const near = before.replace('line 5\n', 'five\n').replace('line 12\n', 'twelve\n');
  assert.deepEqual(unifiedDiff(before, near, { oldPath: 'f' }).split('\n').filter((l) => l.startsWith('@@')), ['@@ -2,14 +2,14 @@']);
  // Seven unchanged lines: two hunks.
  const apart = before.replace('line 5\n', 'five\n').replace('line 13\n', 'thirteen\n');
  assert.deepEqual(unifiedDiff(before, apart, { oldPath: 'f' }).split('\n').filter((l) => l.startsWith('@@')), ['@@ -2,7 +2,7 @@', '@@ -10,7 +10,7 @@']);
});

test('insertion and deletion headers, and counts of one are left out', () => {
  assert.equal(unifiedDiff('a\n', 'a\nb\n', { oldPath: 'f' }), '--- f\n+++ f\n@@ -1 +1,2 @@\n a\n+b\n');
  assert.equal(unifiedDiff('a\nb\n', 'b\n', { oldPath: 'f' }), '--- f\n+++ f\n@@ -1,2 +1 @@\n-a\n b\n');
  assert.equal(unifiedDiff('', 'x\ny\n', { oldPath: 'f' }), '--- f\n+++ f\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  assert.equal(unifiedDiff('x\ny\n', '', { oldPath: 'f' }), '--- f\n+++ f\n@@ -1,2 +0,0 @@\n-x\n-y\n');
});

test('a missing final newline is marked, and adding one is a change', () => {
  assert.equal(unifiedDiff('a\nb', 'a\nc', { oldPath: 'f' }), '--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
  assert.equal(unifiedDiff('a\nb', 'a\nb\n', { oldPath: 'f' }), '--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
  assert.equal(unifiedDiff('a\n', 'a\nb', { oldPath: 'f' }), '--- f\n+++ f\n@@ -1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n');
});

test('CRLF lines keep their \\r; a line-ending-only change shows', () => {
  assert.equal(unifiedDiff('a\r\nb\r\n', 'a\r\nc\r\n', { oldPath: 'f' }), '--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n');
  assert.equal(unifiedDiff('a\r\n', 'a\n', { oldPath: 'f' }), '--- f\n+++ f\n@@ -1 +1 @@\n-a\r\n+a\n');
});

test('old and new paths are shown as given', () => {
  assert.match(unifiedDiff('a\n', 'b\n', { oldPath: 'old.txt', newPath: 'new.txt' }), /^--- old\.txt\n\+\+\+ new\.txt\n/);
});

test('splitLines keeps terminators and a last line without one', () => {
  assert.deepEqual(splitLines(''), []);
  assert.deepEqual(splitLines('a'), ['a']);
  assert.deepEqual(splitLines('a\n\nb'), ['a\n', '\n', 'b']);
  assert.deepEqual(splitLines('a\r\n'), ['a\r\n']);
});

test('the diff is minimal for a moved block', () => {
  const before = 'a\nb\nc\nd\ne\n';
  const after = 'a\nc\nd\ne\nb\n';
  const diff = unifiedDiff(before, after, { oldPath: 'f', context: 0 });
  assert.equal(diff.split('\n').filter((l) => /^[-+][^-+]/.test(l)).length, 2);
});

const patch = findExecutable('patch');
test('random diffs apply cleanly with patch(1)', { skip: patch === null ? 'patch(1) is not installed' : false }, async () => {
  const { root, cleanup } = await makeTempProject();
  try {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const makeText = (): string => {
      const count = random(12);
      const eol = random(4) === 0 ? '\r\n' : '\n';
      const body = Array.from({ length: count }, () => ['x', 'y', 'z', '', 'w'][random(5)] ?? '').join(eol);
      return count > 0 && random(3) !== 0 ? body + eol : body;
    };
    for (let round = 0; round < 150; round++) {
      const before = makeText();
      const after = random(5) === 0 ? before : makeText();
      const diff = unifiedDiff(before, after, { oldPath: 'file', context: random(4) });
      if (before === after) {
        assert.equal(diff, '');
        continue;
      }
      writeFileSync(join(root, 'file'), before);
      writeFileSync(join(root, 'change.diff'), diff);
      const result = spawnSync(patch!, ['-s', '-o', join(root, 'out'), join(root, 'file'), join(root, 'change.diff')], { encoding: 'utf8' });
      assert.equal(result.status, 0, `patch failed for ${JSON.stringify({ before, after, diff })}: ${result.stdout}${result.stderr}`);
      assert.equal(readFileSync(join(root, 'out'), 'utf8'), after, JSON.stringify({ before, after, diff }));
    }
  } finally {
    await cleanup();
  }
});

test('a large, wholly different pair still gives a diff that applies', { skip: patch === null ? 'patch(1) is not installed' : false }, async () => {
  const { root, cleanup } = await makeTempProject();
  try {
    const before = Array.from({ length: 40_000 }, (_, i) => `old ${i}\n`).join('');
    const after = Array.from({ length: 40_000 }, (_, i) => (i % 1000 === 0 ? `old ${i}\n` : `new ${i}\n`)).join('');
    const diff = unifiedDiff(before, after, { oldPath: 'file' });
    writeFileSync(join(root, 'file'), before);
    writeFileSync(join(root, 'change.diff'), diff);
    const result = spawnSync(patch!, ['-s', '-o', join(root, 'out'), join(root, 'file'), join(root, 'change.diff')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(join(root, 'out'), 'utf8'), after);
  } finally {
    await cleanup();
  }
});

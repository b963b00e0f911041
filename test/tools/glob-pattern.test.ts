import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGlob, GlobSyntaxError, patternNames, splitGlob } from '../../src/tools/glob-pattern.ts';

const matches = (pattern: string, path: string, anchored = pattern.includes('/')): boolean => compileGlob(pattern, { anchored, braces: true }).test(path);

test('* and ? stay within one path segment; ** spans folders', () => {
  assert.ok(matches('src/*.ts', 'src/a.ts'));
  assert.ok(!matches('src/*.ts', 'src/x/a.ts'));
  assert.ok(matches('src/**/*.ts', 'src/a.ts'));
  assert.ok(matches('src/**/*.ts', 'src/x/y/a.ts'));
  assert.ok(matches('**/a.ts', 'a.ts'));
  assert.ok(matches('**/a.ts', 'x/y/a.ts'));
  assert.ok(matches('src/**', 'src/x/y'));
  assert.ok(!matches('src/**', 'src'));
  assert.ok(matches('?.ts', 'a.ts'));
  assert.ok(!matches('?.ts', 'ab.ts'));
  assert.ok(matches('a**b', 'axxb', true));
  assert.ok(!matches('a**b', 'a/b', true));
});

test('a pattern without a slash matches the name at any depth, including dot files', () => {
  assert.ok(matches('*.ts', 'deep/down/x.ts'));
  assert.ok(matches('*.ts', '.hidden.ts'));
  assert.ok(!matches('*.ts', 'x.tsx'));
});

test('classes, negated classes, braces and escapes', () => {
  assert.ok(matches('[a-c].txt', 'b.txt'));
  assert.ok(!matches('[a-c].txt', 'd.txt'));
  assert.ok(matches('[!a-c].txt', 'd.txt'));
  assert.ok(!matches('[!a-c].txt', 'a.txt'));
  assert.ok(matches('[]].txt', '].txt'));
  assert.ok(!matches('x[!a]y', 'x/y', true));
  assert.ok(matches('*.{ts,tsx}', 'a.tsx'));
  assert.ok(matches('{src,test}/**/*.ts', 'test/a/b.ts'));
  assert.ok(matches('{a,{b,c}}.md', 'c.md'));
  assert.ok(matches('\\*.md', '*.md'));
  assert.ok(!matches('\\*.md', 'a.md'));
  assert.ok(matches('a+b(1).md', 'a+b(1).md'));
  assert.ok(matches('[ab', '[ab'));
  assert.ok(matches('{a', '{a'));
});

test('without braces, { is literal (as in .gitignore)', () => {
  assert.ok(compileGlob('{a,b}', { anchored: false, braces: false }).test('{a,b}'));
});

test('an invalid range is a GlobSyntaxError', () => {
  assert.throws(() => compileGlob('[z-a]', { anchored: false, braces: true }), GlobSyntaxError);
});

test('splitGlob separates literal leading folders', () => {
  assert.deepEqual(splitGlob('src/**/*.ts'), { base: 'src', rest: '**/*.ts', anchored: true });
  assert.deepEqual(splitGlob('./src/lib/*.ts'), { base: 'src/lib', rest: '*.ts', anchored: true });
  assert.deepEqual(splitGlob('src/a.ts'), { base: 'src', rest: 'a.ts', anchored: true });
  assert.deepEqual(splitGlob('*.ts'), { base: '', rest: '*.ts', anchored: false });
  assert.deepEqual(splitGlob('/abs/dir/*.ts'), { base: '/abs/dir', rest: '*.ts', anchored: true });
  assert.deepEqual(splitGlob('/*.ts'), { base: '/', rest: '*.ts', anchored: true });
  assert.deepEqual(splitGlob('docs/'), { base: 'docs', rest: '**', anchored: true });
  assert.deepEqual(splitGlob('{a,b}/*.ts'), { base: '', rest: '{a,b}/*.ts', anchored: true });
});

test('patternNames finds a folder named in a segment or brace alternative', () => {
  assert.ok(patternNames('node_modules/**', 'node_modules'));
  assert.ok(patternNames('**/{node_modules,vendor}/*.js', 'node_modules'));
  assert.ok(!patternNames('**/my_node_modules/*', 'node_modules'));
  assert.ok(!patternNames('*.js', 'node_modules'));
});

import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createEditTool } from '../../src/tools/edit.ts';
import { createTestEnvironment, makeTempProject, runTool } from './env.ts';

let root = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
before(async () => {
  ({ root, cleanup } = await makeTempProject());
});
after(() => cleanup());

const edit = (input: unknown) => runTool(createEditTool(createTestEnvironment(root)), input, root);
const file = (name: string) => join(root, name);

test('replaces a unique string and returns the exact unified diff', async () => {
  await mkdir(file('src'), { recursive: true });
  await writeFile(file('src/app.ts'), 'import a from "a";\n\nfunction main() {\n  return 1;\n}\n\nmain();\n');
  const result = await edit({ path: 'src/app.ts', old_string: '  return 1;', new_string: '  const x = 2;\n  return x;' });
  assert.equal(result.isError, false);
  assert.equal(
    result.output,
    [
      'Edited src/app.ts (1 replacement).',
      '--- src/app.ts',
      '+++ src/app.ts',
      '@@ -1,7 +1,8 @@',
      ' import a from "a";',
      ' ',
      ' function main() {',
      '-  return 1;',
      '+  const x = 2;',
      '+  return x;',
      ' }',
      ' ',
      ' main();',
      '',
    ].join('\n'),
  );
  assert.equal(await readFile(file('src/app.ts'), 'utf8'), 'import a from "a";\n\nfunction main() {\n  const x = 2;\n  return x;\n}\n\nmain();\n');
});

test('a string that occurs several times is refused with the count and line numbers', async () => {
  await writeFile(file('dup.txt'), 'x = 1\ny = 2\nx = 1\nz = 3\nx = 1\n');
  const result = await edit({ path: 'dup.txt', old_string: 'x = 1', new_string: 'x = 9' });
  assert.equal(result.isError, true);
  assert.match(result.output, /old_string occurs 3 times in dup\.txt \(at lines 1, 3, 5\)/);
  assert.match(result.output, /replace_all/);
  assert.equal(await readFile(file('dup.txt'), 'utf8'), 'x = 1\ny = 2\nx = 1\nz = 3\nx = 1\n');
});

test('replace_all replaces every occurrence, and the diff shows each', async () => {
  await writeFile(file('all.txt'), 'foo\na\nb\nc\nd\ne\nf\ng\nh\nfoo\n');
  const result = await edit({ path: 'all.txt', old_string: 'foo', new_string: 'bar', replace_all: true });
  assert.equal(result.isError, false);
  assert.equal(
    result.output,
    ['Edited all.txt (2 replacements).', '--- all.txt', '+++ all.txt', '@@ -1,4 +1,4 @@', '-foo', '+bar', ' a', ' b', ' c', '@@ -7,4 +7,4 @@', ' f', ' g', ' h', '-foo', '+bar', ''].join('\n'),
  );
  assert.equal(await readFile(file('all.txt'), 'utf8'), 'bar\na\nb\nc\nd\ne\nf\ng\nh\nbar\n');
});

test('a string that is not found is an error with a whitespace hint', async () => {
  await writeFile(file('ws.py'), 'def f():\n\treturn 1\n');
  const result = await edit({ path: 'ws.py', old_string: 'def f():\n    return 1', new_string: 'def f():\n    return 2' });
  assert.equal(result.isError, true);
  assert.match(result.output, /old_string was not found in ws\.py/);
  assert.match(result.output, /whitespace, indentation \(tabs vs spaces\)/);
  assert.match(result.output, /apart from whitespace starts at line 1/);
});

test("read's line-number prefix in old_string is pointed out", async () => {
  await writeFile(file('prefix.txt'), 'alpha\nbeta\n');
  const result = await edit({ path: 'prefix.txt', old_string: '     2\tbeta', new_string: 'gamma' });
  assert.equal(result.isError, true);
  assert.match(result.output, /line-number prefix/);
});

test('identical old and new strings, and an empty old string, are errors', async () => {
  await writeFile(file('same.txt'), 'abc\n');
  const same = await edit({ path: 'same.txt', old_string: 'abc', new_string: 'abc' });
  assert.equal(same.isError, true);
  assert.match(same.output, /identical/);
  const empty = await edit({ path: 'same.txt', old_string: '', new_string: 'x' });
  assert.equal(empty.isError, true);
  assert.match(empty.output, /old_string is empty/);
});

test('a CRLF file is matched with \\n strings and keeps its CRLF endings', async () => {
  await writeFile(file('win.txt'), 'one\r\ntwo\r\nthree\r\n');
  const result = await edit({ path: 'win.txt', old_string: 'one\ntwo', new_string: 'one\n2\nmore' });
  assert.equal(result.isError, false);
  assert.equal(await readFile(file('win.txt'), 'utf8'), 'one\r\n2\r\nmore\r\nthree\r\n');
  assert.equal(
    result.output,
    ['Edited win.txt (1 replacement, CRLF line endings kept).', '--- win.txt', '+++ win.txt', '@@ -1,3 +1,4 @@', ' one', '-two', '+2', '+more', ' three', ''].join('\n'),
  );
});

test('a mixed-ending file: lines that end in CRLF on disk still match', async () => {
  await writeFile(file('mixed.txt'), 'a\r\nb\r\nc\nd\n');
  const result = await edit({ path: 'mixed.txt', old_string: 'a\nb', new_string: 'A\nB' });
  assert.equal(result.isError, false);
  assert.equal(await readFile(file('mixed.txt'), 'utf8'), 'A\r\nB\r\nc\nd\n');
});

test('editing the last line of a file without a trailing newline keeps it without one', async () => {
  await writeFile(file('noeol.txt'), 'a\nlast');
  const result = await edit({ path: 'noeol.txt', old_string: 'last', new_string: 'final' });
  assert.equal(await readFile(file('noeol.txt'), 'utf8'), 'a\nfinal');
  assert.equal(
    result.output,
    ['Edited noeol.txt (1 replacement).', '--- noeol.txt', '+++ noeol.txt', '@@ -1,2 +1,2 @@', ' a', '-last', '\\ No newline at end of file', '+final', '\\ No newline at end of file', ''].join('\n'),
  );
});

test('replacement text is literal: $& and $1 are not patterns', async () => {
  await writeFile(file('dollar.txt'), 'price\n');
  await edit({ path: 'dollar.txt', old_string: 'price', new_string: '$& $1 $$' });
  assert.equal(await readFile(file('dollar.txt'), 'utf8'), '$& $1 $$\n');
});

test('unicode and a byte order mark survive an edit', async () => {
  await writeFile(file('bom.txt'), '\uFEFFcafé ☕\nnaïve\n');
  const result = await edit({ path: 'bom.txt', old_string: 'naïve', new_string: 'naïf 🎉' });
  assert.equal(result.isError, false);
  assert.equal(await readFile(file('bom.txt'), 'utf8'), '\uFEFFcafé ☕\nnaïf 🎉\n');
  assert.doesNotMatch(result.output, /\uFEFF/);
});

test('the file keeps its mode', async () => {
  await writeFile(file('run.sh'), 'echo a\n');
  await chmod(file('run.sh'), 0o700);
  await edit({ path: 'run.sh', old_string: 'echo a', new_string: 'echo b' });
  assert.equal((await stat(file('run.sh'))).mode & 0o777, 0o700);
});

test('binary files, invalid UTF-8, missing files and folders are refused', async () => {
  await writeFile(file('blob.bin'), Buffer.from([0x61, 0x00, 0x62, 0x0a]));
  const binary = await edit({ path: 'blob.bin', old_string: 'a', new_string: 'b' });
  assert.equal(binary.isError, true);
  assert.match(binary.output, /binary file/);
  assert.deepEqual(await readFile(file('blob.bin')), Buffer.from([0x61, 0x00, 0x62, 0x0a]));

  await writeFile(file('latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
  const latin1 = await edit({ path: 'latin1.txt', old_string: 'caf', new_string: 'CAF' });
  assert.equal(latin1.isError, true);
  assert.match(latin1.output, /not valid UTF-8/);

  const missing = await edit({ path: 'ghost.txt', old_string: 'a', new_string: 'b' });
  assert.equal(missing.isError, true);
  assert.match(missing.output, /File not found: ghost\.txt\. To create a file use write/);

  await mkdir(file('folder'), { recursive: true });
  const folder = await edit({ path: 'folder', old_string: 'a', new_string: 'b' });
  assert.equal(folder.isError, true);
  assert.match(folder.output, /folder is a directory/);
});

test('kind, readOnly and target', () => {
  const tool = createEditTool(createTestEnvironment(root));
  assert.equal(tool.name, 'edit');
  assert.equal(tool.kind, 'edit');
  assert.equal(tool.readOnly, false);
  assert.deepEqual(tool.target({ path: 'a.txt', old_string: 'a', new_string: 'b' }, root), { paths: [join(root, 'a.txt')] });
});

import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createWriteTool } from '../../src/tools/write.ts';
import { createTestEnvironment, makeTempProject, runTool } from './env.ts';

let root = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
before(async () => {
  ({ root, cleanup } = await makeTempProject());
});
after(() => cleanup());

const write = (input: unknown) => runTool(createWriteTool(createTestEnvironment(root)), input, root);

test('creates a file and its missing parent folders', async () => {
  const result = await write({ path: 'a/b/c/new.ts', content: 'export const x = 1;\nexport const y = 2;\n' });
  assert.equal(result.isError, false);
  assert.equal(result.output, 'Created a/b/c/new.ts (2 lines, 40 bytes).');
  assert.equal(await readFile(join(root, 'a/b/c/new.ts'), 'utf8'), 'export const x = 1;\nexport const y = 2;\n');
});

test('overwrites an existing file and says so', async () => {
  await writeFile(join(root, 'over.txt'), 'old content that is longer\n');
  const result = await write({ path: 'over.txt', content: 'new' });
  assert.equal(result.output, 'Overwrote over.txt (1 line, 3 bytes).');
  assert.equal(await readFile(join(root, 'over.txt'), 'utf8'), 'new');
});

test('an empty file and unicode content are counted in bytes', async () => {
  assert.equal((await write({ path: 'empty.txt', content: '' })).output, 'Created empty.txt (0 lines, 0 bytes).');
  assert.equal((await write({ path: 'u.txt', content: 'é🎉' })).output, 'Created u.txt (1 line, 6 bytes).');
  assert.equal(await readFile(join(root, 'u.txt'), 'utf8'), 'é🎉');
});

test('the existing file keeps its mode, and no temp file is left behind', async () => {
  const path = join(root, 'script.sh');
  await writeFile(path, '#!/bin/sh\necho old\n');
  await chmod(path, 0o754);
  await write({ path: 'script.sh', content: '#!/bin/sh\necho new\n' });
  assert.equal((await stat(path)).mode & 0o777, 0o754);
  assert.equal(await readFile(path, 'utf8'), '#!/bin/sh\necho new\n');
  assert.deepEqual((await readdir(root)).filter((name) => name.includes('.ward-')), []);
});

test('the write replaces the file by rename (a new inode), never truncating in place', async () => {
  const path = join(root, 'atomic.txt');
  await writeFile(path, 'before\n');
  const inodeBefore = (await stat(path)).ino;
  await write({ path: 'atomic.txt', content: 'after\n' });
  assert.notEqual((await stat(path)).ino, inodeBefore);
});

test('writing through a symlink changes the target and keeps the link', async () => {
  await writeFile(join(root, 'real.txt'), 'real\n');
  await symlink('real.txt', join(root, 'link.txt'));
  await write({ path: 'link.txt', content: 'through the link\n' });
  assert.equal((await lstat(join(root, 'link.txt'))).isSymbolicLink(), true);
  assert.equal(await readFile(join(root, 'real.txt'), 'utf8'), 'through the link\n');
});

test('a directory path is an error', async () => {
  await mkdir(join(root, 'dir'), { recursive: true });
  const result = await write({ path: 'dir', content: 'x' });
  assert.equal(result.isError, true);
  assert.match(result.output, /dir is a directory/);
});

test('a parent that is a file is an error, not an exception', async () => {
  await writeFile(join(root, 'plain'), 'x');
  const result = await write({ path: 'plain/child.txt', content: 'x' });
  assert.equal(result.isError, true);
  assert.match(result.output, /Cannot write plain\/child\.txt: part of its parent path is a file/);
});

test('kind, readOnly and target', () => {
  const tool = createWriteTool(createTestEnvironment(root));
  assert.equal(tool.name, 'write');
  assert.equal(tool.kind, 'edit');
  assert.equal(tool.readOnly, false);
  assert.deepEqual(tool.target({ path: 'x/y.txt', content: '' }, root), { paths: [join(root, 'x/y.txt')] });
});

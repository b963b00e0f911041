import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createReadTool } from '../../src/tools/read.ts';
import { createTestEnvironment, makeTempProject, runTool } from './env.ts';

let root = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
before(async () => {
  ({ root, cleanup } = await makeTempProject());
});
after(() => cleanup());

const read = (input: unknown, capChars?: number) =>
  runTool(createReadTool(createTestEnvironment(root, capChars === undefined ? {} : { outputCapChars: capChars })), input, root);

const numbered = (from: number, texts: string[]): string => texts.map((text, i) => `${from + i}\t${text}`).join('\n');

test('reads a file as numbered lines, relative to the project root', async () => {
  await writeFile(join(root, 'hello.txt'), 'first\nsecond\n\tthird\n');
  const result = await read({ path: 'hello.txt' });
  assert.equal(result.isError, false);
  assert.equal(result.output, numbered(1, ['first', 'second', '\tthird']));
  assert.equal((await read({ path: join(root, 'hello.txt') })).output, result.output);
});

test('a file without a trailing newline still shows its last line', async () => {
  await writeFile(join(root, 'no-eol.txt'), 'a\nb');
  assert.equal((await read({ path: 'no-eol.txt' })).output, numbered(1, ['a', 'b']));
});

test('an empty file says so', async () => {
  await writeFile(join(root, 'empty.txt'), '');
  const result = await read({ path: 'empty.txt' });
  assert.equal(result.isError, false);
  assert.match(result.output, /empty\.txt is empty \(0 bytes\)/);
});

test('offset and limit select a window and say how to continue', async () => {
  await writeFile(join(root, 'ten.txt'), Array.from({ length: 10 }, (_, i) => `L${i + 1}`).join('\n') + '\n');
  const middle = await read({ path: 'ten.txt', offset: 4, limit: 3 });
  assert.equal(middle.isError, false);
  assert.equal(middle.output.split('\n\n')[0], numbered(4, ['L4', 'L5', 'L6']));
  assert.match(middle.output, /Showing lines 4-6 of 10 \(4 more\)\. Call read with offset=7 to continue\./);

  const tail = await read({ path: 'ten.txt', offset: 9 });
  assert.equal(tail.output.split('\n\n')[0], numbered(9, ['L9', 'L10']));
  assert.match(tail.output, /End of file: line 10 is the last line/);

  const all = await read({ path: 'ten.txt' });
  assert.doesNotMatch(all.output, /Showing|offset=/);
});

test('the default limit is 2000 lines', async () => {
  await writeFile(join(root, 'long.txt'), Array.from({ length: 2500 }, (_, i) => `${i + 1}`).join('\n'));
  const result = await read({ path: 'long.txt' });
  const shown = result.output.split('\n\n')[0]!.split('\n');
  assert.equal(shown.length, 2000);
  assert.equal(shown.at(-1), numbered(2000, ['2000']));
  assert.match(result.output, /Showing lines 1-2000 of 2500 \(500 more\)\. Call read with offset=2001/);
});

test('an offset past the end is an error naming the line count', async () => {
  await writeFile(join(root, 'three.txt'), 'a\nb\nc\n');
  const result = await read({ path: 'three.txt', offset: 7 });
  assert.equal(result.isError, true);
  assert.match(result.output, /three\.txt has 3 lines; offset 7 is past the end/);
});

test('very long lines are cut and the cut is reported', async () => {
  await writeFile(join(root, 'wide.txt'), `short\n${'x'.repeat(5000)}\nend\n`);
  const result = await read({ path: 'wide.txt' });
  const lines = result.output.split('\n');
  assert.equal(lines[1], `2\t${'x'.repeat(2000)} [… line truncated]`);
  assert.equal(lines[2], '3\tend');
  assert.match(result.output, /Line 2 was longer than 2000 characters and cut/);
});

test('a single enormous line does not need to fit in memory', async () => {
  // Five-byte groups, so the reader's byte cap falls inside a 3-byte character.
  await writeFile(join(root, 'one-line.txt'), 'ab€'.repeat(1_000_000));
  const result = await read({ path: 'one-line.txt' });
  assert.equal(result.output.split('\n')[0], `1\t${'ab€'.repeat(667).slice(0, 2000)} [… line truncated]`);
  assert.doesNotMatch(result.output, /not valid UTF-8/);
});

test('output stays within the output cap and says where to continue', async () => {
  await writeFile(join(root, 'wide-lines.txt'), Array.from({ length: 100 }, () => 'y'.repeat(1000)).join('\n'));
  const result = await read({ path: 'wide-lines.txt' }, 10_000);
  assert.ok(result.output.length <= 10_000, `output has ${result.output.length} characters`);
  const shownLines = result.output.split('\n\n')[0]!.split('\n').length;
  assert.ok(shownLines > 0 && shownLines < 100);
  assert.match(result.output, new RegExp(`Call read with offset=${shownLines + 1} to continue`));
  assert.match(result.output, /output limit of 10000 characters reached/);
});

test('CRLF line endings are not shown, and are reported', async () => {
  await writeFile(join(root, 'crlf.txt'), 'one\r\ntwo\r\n');
  const result = await read({ path: 'crlf.txt' });
  assert.equal(result.output.split('\n\n')[0], numbered(1, ['one', 'two']));
  assert.match(result.output, /CRLF/);
});

test('unicode text and a byte order mark', async () => {
  await writeFile(join(root, 'unicode.txt'), '\uFEFFnaïve café\n日本語 🎉\n');
  const result = await read({ path: 'unicode.txt' });
  assert.equal(result.output, numbered(1, ['naïve café', '日本語 🎉']));
});

test('invalid UTF-8 is shown with replacement characters and reported', async () => {
  await writeFile(join(root, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x6f, 0x6b, 0x0a]));
  const result = await read({ path: 'latin1.txt' });
  assert.equal(result.isError, false);
  assert.equal(result.output.split('\n\n')[0], numbered(1, ['caf\uFFFD', 'ok']));
  assert.match(result.output, /not valid UTF-8/);
});

test('binary files are refused with their kind and size', async () => {
  await writeFile(join(root, 'data.bin'), Buffer.from([0x01, 0x00, 0x02, 0x00, 0x41, 0x42]));
  const bin = await read({ path: 'data.bin' });
  assert.equal(bin.isError, true);
  assert.match(bin.output, /data\.bin is a binary file \(binary data \(contains NUL bytes\), 6 bytes\)/);

  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2040, 7)]);
  await writeFile(join(root, 'image.png'), png);
  const image = await read({ path: 'image.png' });
  assert.equal(image.isError, true);
  assert.match(image.output, /PNG image, 2\.0 KB/);
});

test('a directory is an error that points to glob', async () => {
  await mkdir(join(root, 'folder'), { recursive: true });
  const result = await read({ path: 'folder' });
  assert.equal(result.isError, true);
  assert.match(result.output, /folder is a directory.*glob/);
});

test('a missing file is an error naming the path and suggesting glob', async () => {
  const result = await read({ path: 'src/nope.ts' });
  assert.equal(result.isError, true);
  assert.match(result.output, /File not found: src\/nope\.ts\. Use glob \(for example pattern "\*\*\/nope\.ts"\)/);
});

test('~ is not expanded: it is a folder name under the project root', () => {
  const tool = createReadTool(createTestEnvironment(root));
  assert.deepEqual(tool.target({ path: '~/secret' }, root), { paths: [join(root, '~', 'secret')] });
  assert.deepEqual(tool.target({ path: '/etc/hosts' }, root), { paths: ['/etc/hosts'] });
});

test('a 200 MB file is read near its end without loading it into memory', async () => {
  // A child process measures its own peak memory, so nothing else in this process counts.
  const big = join(root, 'big.log');
  const line = 'the quick brown fox jumps over the lazy dog 0123456789\n';
  const block = Buffer.from(line.repeat(Math.floor((1024 * 1024) / line.length)));
  const blocks = 200;
  const { open } = await import('node:fs/promises');
  const handle = await open(big, 'w');
  for (let i = 0; i < blocks; i++) await handle.write(block);
  await handle.close();
  const totalLines = (block.length / line.length) * blocks;
  const script = `
    import { createReadTool } from ${JSON.stringify(new URL('../../src/tools/read.ts', import.meta.url).href)};
    import { createTestEnvironment, runTool } from ${JSON.stringify(new URL('./env.ts', import.meta.url).href)};
    const root = ${JSON.stringify(root)};
    const result = await runTool(createReadTool(createTestEnvironment(root)), { path: 'big.log', offset: ${totalLines - 4}, limit: 10 }, root);
    process.stdout.write(JSON.stringify({ result, maxRssKb: process.resourceUsage().maxRSS }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const { result, maxRssKb } = JSON.parse(child.stdout) as { result: { output: string; isError: boolean }; maxRssKb: number };
  assert.equal(result.isError, false);
  const shown = result.output.split('\n\n')[0]!.split('\n');
  assert.equal(shown.length, 5);
  assert.equal(shown[0], `${totalLines - 4}\t${line.trimEnd()}`);
  assert.match(result.output, /End of file/);
  const fileMb = (block.length * blocks) / 1024 / 1024;
  const peakMb = maxRssKb / 1024;
  assert.ok(peakMb < fileMb / 2, `peak RSS ${peakMb.toFixed(0)} MB for a ${fileMb.toFixed(0)} MB file`);
});

test('an aborted read stops with the abort', async () => {
  await writeFile(join(root, 'abort.txt'), 'a\n');
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(runTool(createReadTool(createTestEnvironment(root)), { path: 'abort.txt' }, root, controller.signal), { name: 'AbortError' });
});

import assert from 'node:assert/strict';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGrepTool } from '../../src/tools/grep.ts';
import type { ToolResult } from '../../src/tools/types.ts';
import { createTestEnvironment, makeTempProject, ripgrepPath, runTool } from './env.ts';

let root = '';
let cleanup: () => Promise<void> = () => Promise.resolve();

const fixture: Record<string, string | Buffer> = {
  '.gitignore': 'dist/\n*.secret\n',
  'src/a.ts': 'import { foo } from "./b";\n\nexport function main() {\n  return foo(1);\n}\n\n// TODO: remove Foo\n',
  'src/b.ts': 'export function foo(n: number) {\n  return n + 1;\n}\n',
  'src/deep/c.py': 'def foo():\n    pass\n',
  'src/deep/.gitignore': 'generated.py\n',
  'src/deep/generated.py': 'foo = 1\n',
  'src/crlf.txt': 'first foo\r\nsecond\r\nthird foo\r\n',
  'src/unicode.md': 'Un café à Paris\nNAÏVE foo\n',
  'dist/bundle.js': 'function foo(){}\n',
  'keys.secret': 'foo=bar\n',
  'node_modules/dep/index.js': 'module.exports = foo;\n',
  '.hidden/config': 'foo: true\n',
  'docs/notes.txt': 'no match here\n',
  'blob.bin': Buffer.from('foo\u0000bar\nfoo\n'),
  'wide.txt': `start ${'w'.repeat(3000)} foo\n`,
};

before(async () => {
  ({ root, cleanup } = await makeTempProject());
  for (const [name, content] of Object.entries(fixture)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
});
after(() => cleanup());

const backends = [
  { name: 'the JavaScript fallback', ripgrepPath: null, skip: false as const },
  { name: 'ripgrep', ripgrepPath, skip: ripgrepPath === null ? 'ripgrep (rg) is not installed on this machine: only the fallback is tested' : (false as const) },
];

const grepWith = (rg: string | null, input: unknown, capChars = 30_000): Promise<ToolResult> =>
  runTool(createGrepTool(createTestEnvironment(root, { ripgrepPath: rg, outputCapChars: capChars })), input, root);

/** The output without the fallback's notes about skipped files, which ripgrep cannot give. */
const withoutSkipNotes = (output: string): string =>
  output
    .split('\n')
    .filter((line) => !/^\[(Skipped|Not searched)/.test(line))
    .join('\n')
    .trimEnd();

for (const backend of backends) {
  describe(`grep using ${backend.name}`, { skip: backend.skip }, () => {
    const grep = async (input: unknown): Promise<string> => {
      const result = await grepWith(backend.ripgrepPath, input);
      assert.equal(result.isError, false, result.output);
      return withoutSkipNotes(result.output);
    };

    test('lists matching files by path, honouring .gitignore (root and nested), skipping binaries, node_modules and .git', async () => {
      assert.equal(await grep({ pattern: 'foo' }), ['.hidden/config', 'src/a.ts', 'src/b.ts', 'src/crlf.txt', 'src/deep/c.py', 'src/unicode.md', 'wide.txt'].join('\n'));
    });

    test('content mode shows path:line:text', async () => {
      assert.equal(await grep({ pattern: 'foo\\(', output_mode: 'content' }), ['src/a.ts:4:  return foo(1);', 'src/b.ts:1:export function foo(n: number) {', 'src/deep/c.py:1:def foo():'].join('\n'));
    });

    test('context lines and group separators', async () => {
      assert.equal(
        await grep({ pattern: 'foo', output_mode: 'content', context: 1, path: 'src', glob: '*.ts' }),
        [
          'src/a.ts:1:import { foo } from "./b";',
          'src/a.ts-2-',
          'src/a.ts-3-export function main() {',
          'src/a.ts:4:  return foo(1);',
          'src/a.ts-5-}',
          '--',
          'src/b.ts:1:export function foo(n: number) {',
          'src/b.ts-2-  return n + 1;',
        ].join('\n'),
      );
    });

    test('count mode gives matching lines per file and a total', async () => {
      assert.equal(await grep({ pattern: 'foo', output_mode: 'count', path: 'src' }), ['src/a.ts:2', 'src/b.ts:1', 'src/crlf.txt:2', 'src/deep/c.py:1', 'src/unicode.md:1', '', '[Total: 7 matching lines in 5 files.]'].join('\n'));
    });

    test('case_insensitive, and unicode text', async () => {
      assert.equal(await grep({ pattern: 'remove foo', output_mode: 'content' }), 'No matches for /remove foo/ in the project root.');
      assert.equal(await grep({ pattern: 'remove foo', output_mode: 'content', case_insensitive: true }), 'src/a.ts:7:// TODO: remove Foo');
      assert.equal(await grep({ pattern: 'café', output_mode: 'content' }), 'src/unicode.md:1:Un café à Paris');
      assert.equal(await grep({ pattern: 'naïve', output_mode: 'content', case_insensitive: true }), 'src/unicode.md:2:NAÏVE foo');
    });

    test('CRLF lines match at $ and are shown without \\r', async () => {
      assert.equal(await grep({ pattern: 'foo$', output_mode: 'content', path: 'src/crlf.txt' }), ['src/crlf.txt:1:first foo', 'src/crlf.txt:3:third foo'].join('\n'));
    });

    test('glob filters files: by name at any depth, or anchored with a slash', async () => {
      assert.equal(await grep({ pattern: 'foo', glob: '*.py' }), 'src/deep/c.py');
      assert.equal(await grep({ pattern: 'foo', glob: 'src/*.ts' }), 'src/a.ts\nsrc/b.ts');
      assert.equal(await grep({ pattern: 'foo', glob: '*.{py,md}' }), 'src/deep/c.py\nsrc/unicode.md');
      assert.equal(await grep({ pattern: 'foo', glob: 'node_modules/**' }), 'node_modules/dep/index.js');
    });

    test('a glob naming a gitignored file does not bring it back', async () => {
      assert.equal(await grep({ pattern: 'foo', glob: '*.secret' }), 'No matches for /foo/ in the project root (files matching "*.secret").');
    });

    test('path can be a file or a folder; parent .gitignore still applies in a folder', async () => {
      assert.equal(await grep({ pattern: 'return', path: 'src/b.ts', output_mode: 'content' }), 'src/b.ts:2:  return n + 1;');
      assert.equal(await grep({ pattern: 'foo', path: 'src/deep' }), 'src/deep/c.py');
      assert.equal(await grep({ pattern: 'foo', path: join(root, 'dist') }), 'dist/bundle.js');
    });

    test('long lines are cut', async () => {
      const output = await grep({ pattern: 'start', output_mode: 'content' });
      assert.equal(output, `wide.txt:1:start ${'w'.repeat(1994)} [… line truncated]`);
    });

    test('max_results caps the output and says what was left out', async () => {
      assert.equal(
        await grep({ pattern: 'foo', output_mode: 'content', max_results: 2 }),
        ['.hidden/config:1:foo: true', 'src/a.ts:1:import { foo } from "./b";', '', '[Showing 2 of 9 matching lines in 7 files. Narrow the search with a more specific pattern, path or glob, or raise max_results.]'].join('\n'),
      );
      assert.equal(
        await grep({ pattern: 'foo', max_results: 3 }),
        ['.hidden/config', 'src/a.ts', 'src/b.ts', '', '[Showing 3 of 7 files. Narrow the search with a more specific pattern, path or glob, or raise max_results.]'].join('\n'),
      );
    });

    test('an invalid regular expression is a clear error', async () => {
      const result = await grepWith(backend.ripgrepPath, { pattern: 'foo(' });
      assert.equal(result.isError, true);
      assert.match(result.output, /^Invalid regular expression "foo\("/);
      assert.match(result.output, /escape special characters/);
    });

    test('a missing path is an error', async () => {
      const result = await grepWith(backend.ripgrepPath, { pattern: 'x', path: 'nope' });
      assert.equal(result.isError, true);
      assert.match(result.output, /Path not found: nope/);
    });

    test('a binary file given as path is refused', async () => {
      const result = await grepWith(backend.ripgrepPath, { pattern: 'foo', path: 'blob.bin' });
      assert.equal(result.isError, true);
      assert.match(result.output, /blob\.bin is a binary file/);
    });
  });
}

describe('grep: both paths agree', { skip: ripgrepPath === null ? 'ripgrep (rg) is not installed on this machine' : false }, () => {
  const queries: Record<string, unknown>[] = [
    { pattern: 'foo' },
    { pattern: 'foo', output_mode: 'content' },
    { pattern: 'foo', output_mode: 'content', context: 2 },
    { pattern: 'foo', output_mode: 'count' },
    { pattern: '^\\s+return', output_mode: 'content' },
    { pattern: 'FOO|pass', case_insensitive: true, output_mode: 'content' },
    { pattern: '\\bfoo\\b', glob: '**/*.{ts,py}', output_mode: 'content', context: 1 },
    { pattern: 'e', output_mode: 'content', max_results: 5 },
    { pattern: '[0-9]+', path: 'src' },
  ];
  for (const query of queries) {
    test(JSON.stringify(query), async () => {
      const fallback = await grepWith(null, query);
      const rg = await grepWith(ripgrepPath, query);
      assert.equal(withoutSkipNotes(rg.output), withoutSkipNotes(fallback.output));
      assert.equal(rg.isError, fallback.isError);
    });
  }
});

describe('grep: the fallback names what it skipped', () => {
  test('binary files and files over 20 MB (which ripgrep skips too)', async () => {
    const big = join(root, 'huge', 'big.log');
    await mkdir(dirname(big), { recursive: true });
    const handle = await open(big, 'w');
    const block = Buffer.from('foo bar\n'.repeat(131_072));
    for (let i = 0; i < 21; i++) await handle.write(block);
    await handle.close();
    try {
      const result = await grepWith(null, { pattern: 'foo' });
      assert.match(result.output, /\[Not searched, over 20 MB: huge\/big\.log \(21 MB\)\./);
      assert.match(result.output, /\[Skipped 1 binary file\.\]/);
      assert.doesNotMatch(result.output, /^huge\/big\.log$/m);
      if (ripgrepPath !== null) {
        // ripgrep skips it too (--max-filesize), so both paths list the same files.
        const rg = await grepWith(ripgrepPath, { pattern: 'foo' });
        assert.equal(rg.output, withoutSkipNotes(result.output));
      }
      const single = await grepWith(null, { pattern: 'foo', path: 'huge/big.log' });
      assert.equal(single.isError, true);
      assert.match(single.output, /huge\/big\.log is 21 MB, over grep's 20 MB limit/);
    } finally {
      const { rm } = await import('node:fs/promises');
      await rm(join(root, 'huge'), { recursive: true });
    }
  });

  test('a ripgrep that will not start falls back to JavaScript', async () => {
    const result = await grepWith(join(root, 'no-such-rg'), { pattern: 'foo\\(', output_mode: 'content' });
    assert.equal(result.isError, false);
    assert.match(result.output, /^src\/a\.ts:4: {2}return foo\(1\);/);
  });

  test('kind, readOnly and target', () => {
    const tool = createGrepTool(createTestEnvironment(root));
    assert.equal(tool.name, 'grep');
    assert.equal(tool.kind, 'read');
    assert.equal(tool.readOnly, true);
    assert.deepEqual(tool.target({ pattern: 'x' }, root), { paths: [root] });
    assert.deepEqual(tool.target({ pattern: 'x', path: 'src' }, root), { paths: [join(root, 'src')] });
    assert.deepEqual(tool.target({ pattern: 'x', glob: '*.ts' }, root), { paths: [root] });
    assert.deepEqual(tool.target({ pattern: 'x', glob: '../elsewhere/*.ts' }, root), { paths: [root, join(root, '../elsewhere')] });
    assert.deepEqual(tool.target({ pattern: 'x', glob: '/etc/*.conf' }, root), { paths: [root, '/etc'] });
  });
});

describe('grep: cancellation', () => {
  for (const backend of backends) {
    test(`an aborted call stops with the abort, using ${backend.name}`, { skip: backend.skip }, async () => {
      const controller = new AbortController();
      controller.abort();
      const tool = createGrepTool(createTestEnvironment(root, { ripgrepPath: backend.ripgrepPath }));
      await assert.rejects(runTool(tool, { pattern: 'foo' }, root, controller.signal), { name: 'AbortError' });
    });
  }
});

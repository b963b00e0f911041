import assert from 'node:assert/strict';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGlobTool } from '../../src/tools/glob.ts';
import { createTestEnvironment, makeTempProject, ripgrepPath, runTool } from './env.ts';

let root = '';
let cleanup: () => Promise<void> = () => Promise.resolve();

/** Files with distinct modification times: later in the list is newer. */
const files = [
  'README.md',
  'a.ts',
  'b.ts',
  'src/index.ts',
  'src/util/strings.ts',
  'src/util/strings.test.ts',
  'src/view.tsx',
  'lib/x.js',
  '.github/workflows/ci.yml',
  '.env.example',
  'build/out.js',
  'logs/app.log',
  'keep/important.log',
  'pkg/.gitignore',
  'pkg/generated.ts',
  'pkg/kept.ts',
  'node_modules/dep/index.ts',
  '.git/HEAD',
  'a b/space name.ts',
];

before(async () => {
  ({ root, cleanup } = await makeTempProject());
  const base = Date.UTC(2024, 0, 1) / 1000;
  for (const [i, name] of files.entries()) {
    const path = join(root, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, name === 'pkg/.gitignore' ? 'generated.ts\n' : `${name}\n`);
    await utimes(path, base + i * 60, base + i * 60);
  }
  await writeFile(join(root, '.gitignore'), 'build/\n*.log\n!keep/important.log\n');
  await utimes(join(root, '.gitignore'), base - 60, base - 60);
  await symlink(join(root, 'src'), join(root, 'src-link'));
});
after(() => cleanup());

const backends = [
  { name: 'the JavaScript walk', ripgrepPath: null, skip: false as const },
  { name: 'ripgrep', ripgrepPath, skip: ripgrepPath === null ? 'ripgrep (rg) is not installed on this machine' : (false as const) },
];

for (const backend of backends) {
  describe(`glob using ${backend.name}`, { skip: backend.skip }, () => {
    const glob = (input: unknown) => runTool(createGlobTool(createTestEnvironment(root, { ripgrepPath: backend.ripgrepPath })), input, root);
    const list = async (input: unknown): Promise<string[]> => {
      const result = await glob(input);
      assert.equal(result.isError, false, result.output);
      return result.output.startsWith('No files match') ? [] : result.output.split('\n');
    };

    test('a pattern without a slash matches names at any depth, newest first', async () => {
      assert.deepEqual(await list({ pattern: '*.ts' }), ['a b/space name.ts', 'pkg/kept.ts', 'src/util/strings.test.ts', 'src/util/strings.ts', 'src/index.ts', 'b.ts', 'a.ts']);
    });

    test('a pattern with a slash is anchored to the folder searched', async () => {
      assert.deepEqual(await list({ pattern: 'src/*.ts' }), ['src/index.ts']);
      assert.deepEqual(await list({ pattern: 'src/**/*.ts' }), ['src/util/strings.test.ts', 'src/util/strings.ts', 'src/index.ts']);
      assert.deepEqual(await list({ pattern: '**/util/*.ts' }), ['src/util/strings.test.ts', 'src/util/strings.ts']);
      assert.deepEqual(await list({ pattern: './src/*.tsx' }), ['src/view.tsx']);
    });

    test('braces, classes and ? work', async () => {
      assert.deepEqual(await list({ pattern: 'src/*.{ts,tsx}' }), ['src/view.tsx', 'src/index.ts']);
      assert.deepEqual(await list({ pattern: '[ab].ts' }), ['b.ts', 'a.ts']);
      assert.deepEqual(await list({ pattern: '[!a].ts' }), ['b.ts']);
      assert.deepEqual(await list({ pattern: '?.ts' }), ['b.ts', 'a.ts']);
    });

    test('root and nested .gitignore files are honoured, with negation', async () => {
      const all = await list({ pattern: '**' });
      assert.ok(!all.includes('build/out.js'));
      assert.ok(!all.includes('logs/app.log'));
      assert.ok(all.includes('keep/important.log'));
      assert.ok(!all.includes('pkg/generated.ts'));
      assert.ok(all.includes('pkg/kept.ts'));
    });

    test('hidden files are listed; .git and node_modules are not unless named', async () => {
      const all = await list({ pattern: '**' });
      assert.ok(all.includes('.github/workflows/ci.yml'));
      assert.ok(all.includes('.env.example'));
      assert.ok(!all.some((path) => path.startsWith('.git/') || path.startsWith('node_modules/')));
      assert.deepEqual(await list({ pattern: 'node_modules/**/*.ts' }), ['node_modules/dep/index.ts']);
      assert.deepEqual(await list({ pattern: '**/node_modules/**' }), ['node_modules/dep/index.ts']);
      assert.deepEqual(await list({ pattern: '.git/*' }), ['.git/HEAD']);
    });

    test('symbolic links are not followed', async () => {
      assert.ok(!(await list({ pattern: '**' })).some((path) => path.startsWith('src-link')));
    });

    test('path narrows the search; results stay relative to the project root; parent .gitignore applies', async () => {
      assert.deepEqual(await list({ pattern: '*.ts', path: 'src' }), ['src/util/strings.test.ts', 'src/util/strings.ts', 'src/index.ts']);
      assert.deepEqual(await list({ pattern: '*', path: join(root, 'pkg') }), ['pkg/kept.ts', 'pkg/.gitignore']);
      assert.deepEqual(await list({ pattern: '*', path: 'logs' }), []);
    });

    test('names with spaces, and no matches', async () => {
      assert.deepEqual(await list({ pattern: 'a b/*.ts' }), ['a b/space name.ts']);
      const none = await glob({ pattern: '*.rs' });
      assert.equal(none.isError, false);
      assert.equal(none.output, 'No files match "*.rs" in the project root.');
      assert.deepEqual(await list({ pattern: 'missing-folder/**' }), []);
    });
  });
}

describe('glob errors and limits', () => {
  const glob = (input: unknown) => runTool(createGlobTool(createTestEnvironment(root, { ripgrepPath: null })), input, root);

  test('a missing folder is an error', async () => {
    const result = await glob({ pattern: '*', path: 'nowhere' });
    assert.equal(result.isError, true);
    assert.match(result.output, /Folder not found: nowhere/);
  });

  test('a file as path is an error pointing to read', async () => {
    const result = await glob({ pattern: '*', path: 'a.ts' });
    assert.equal(result.isError, true);
    assert.match(result.output, /a\.ts is a file, not a folder\. Use read/);
  });

  test('an invalid pattern is an error', async () => {
    const result = await glob({ pattern: '[z-a].ts' });
    assert.equal(result.isError, true);
    assert.match(result.output, /invalid glob pattern "\[z-a\]\.ts"/);
  });

  test('results are capped at 1000 with a count of the rest', async () => {
    await mkdir(join(root, 'many'), { recursive: true });
    for (let i = 0; i < 1005; i++) await writeFile(join(root, 'many', `f${i}.txt`), '');
    for (const rg of ripgrepPath === null ? [null] : [null, ripgrepPath]) {
      const result = await runTool(createGlobTool(createTestEnvironment(root, { ripgrepPath: rg, outputCapChars: 100_000 })), { pattern: 'many/*.txt' }, root);
      const lines = result.output.split('\n');
      assert.equal(lines.length, 1001);
      assert.equal(lines.at(-1), '[1005 files match; showing the 1000 most recently modified, 5 more not shown. Use a more specific pattern or path to see them.]');
    }
  });

  test('a ripgrep that will not start falls back to the JavaScript walk', async () => {
    const tool = createGlobTool(createTestEnvironment(root, { ripgrepPath: join(root, 'no-such-rg') }));
    const result = await runTool(tool, { pattern: 'src/*.ts' }, root);
    assert.deepEqual(result, { output: 'src/index.ts', isError: false });
  });

  test('kind, readOnly and target (the folder actually searched)', () => {
    const tool = createGlobTool(createTestEnvironment(root));
    assert.equal(tool.kind, 'read');
    assert.equal(tool.readOnly, true);
    assert.deepEqual(tool.target({ pattern: 'src/**/*.ts' }, root), { paths: [join(root, 'src')] });
    assert.deepEqual(tool.target({ pattern: '*.ts', path: 'lib' }, root), { paths: [join(root, 'lib')] });
    assert.deepEqual(tool.target({ pattern: '../other/*.ts' }, root), { paths: [join(root, '../other')] });
  });
});

describe('glob: cancellation', () => {
  for (const backend of backends) {
    test(`an aborted call stops with the abort, using ${backend.name}`, { skip: backend.skip }, async () => {
      const controller = new AbortController();
      controller.abort();
      const tool = createGlobTool(createTestEnvironment(root, { ripgrepPath: backend.ripgrepPath }));
      await assert.rejects(runTool(tool, { pattern: '**' }, root, controller.signal), { name: 'AbortError' });
    });
  }
});

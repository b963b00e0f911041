/**
 * Bundles ward for running and publishing: dist/cli.js plus lazily loaded chunks, ESM,
 * Node 22+. Dependencies are bundled in: loading one file per chunk instead of some 400
 * modules from node_modules halves the time to the first model request (docs/benchmarks.md),
 * and what runs is exactly what was tested. Source maps are written without embedded source,
 * so a published map can never carry ward's code.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { copyTreeSitterFiles } from '../src/policy/shell/parser.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // Bundled CommonJS code calls require(); give ESM chunks one.
  banner: { js: "import { createRequire as __wardCreateRequire } from 'node:module'; const require = __wardCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  sourcesContent: false,
  define: { __WARD_VERSION__: JSON.stringify(pkg.version) },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
// The bash grammar and its WASM runtime are loaded at run time from dist/tree-sitter/, not
// bundled: the runtime finds its .wasm through __filename (src/policy/shell/parser.ts).
copyTreeSitterFiles(fileURLToPath(new URL('../dist', import.meta.url)));

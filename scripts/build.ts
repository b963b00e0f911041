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
import { wardBuildOptions } from './build-options.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({ ...wardBuildOptions(pkg.version), outdir: 'dist' });
// The bash grammar and its WASM runtime are loaded at run time from dist/tree-sitter/, not
// bundled: the runtime finds its .wasm through __filename (src/policy/shell/parser.ts).
copyTreeSitterFiles(fileURLToPath(new URL('../dist', import.meta.url)));

#!/usr/bin/env node
// ward's executable: checks the Node version, then loads the bundled CLI. Kept tiny so
// `ward --version` starts fast.
import { existsSync } from 'node:fs';
import module from 'node:module';
import v8 from 'node:v8';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`ward needs Node.js 22 or later; this is Node ${process.versions.node} (${process.execPath}).\n`);
  process.exit(2);
}
const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('ward: the CLI is not built yet. Run `npm run build` in the ward folder first.\n');
  process.exit(2);
}
// Node caches compiled code on disk (in the OS temp folder), so later starts skip compiling ward.
module.enableCompileCache?.();
// ward re-sends a growing conversation every turn, which leaves large strings behind; V8's
// default heap growth lets them pile up to several times the live data before collecting.
// Optimizing for size keeps a 200-turn session near 110 MB instead of 230 MB (bench/).
v8.setFlagsFromString('--optimize-for-size');
// The bash grammar the shell analyser loads (tree-sitter-bash, WebAssembly) has one 161 KB
// function, its lexer. After a few parses V8's optimizing compiler recompiles it, which takes
// ~700 MB of native memory for about a second: a 620 MB peak in any session that runs a few
// commands. The baseline compiler alone keeps the peak near 110 MB; a typical command is then
// analysed in ~32 µs instead of ~25 µs (bench/shell-analysis.ts). All three flags are needed
// when set at run time.
v8.setFlagsFromString('--liftoff-only');
v8.setFlagsFromString('--no-wasm-tier-up');
v8.setFlagsFromString('--no-wasm-dynamic-tiering');
await import(entry.href);

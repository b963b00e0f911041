#!/usr/bin/env node
// ward's executable: checks the Node version, then loads the bundled CLI. Kept tiny so
// `ward --version` starts fast.
import { existsSync } from 'node:fs';

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
await import(entry.href);

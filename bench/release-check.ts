/**
 * `ward release-check` on a package of 5,000 files: the built CLI (dist/, through bin/ward.js)
 * as a user runs it in CI, start to exit, on a generated package directory and on its .tgz
 * made by the real `npm pack`. The package mixes what real packages ship: JavaScript with
 * linked source maps (without source), type declarations, JSON, markdown, a few larger
 * bundles, and a package-lock.json of 1,000 entries. No registry is contacted (--no-registry).
 *
 * Run on its own: node bench/release-check.ts   (after npm run build)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WARD_BIN } from '../test/support/run-ward.ts';
import { printReport, type BenchReport } from './support/report.ts';
import { round, summarize } from './support/stats.ts';

const FILES = 5_000;
const RUNS = 7;
const TARGET_MS = 2_000;

/** Writes the package; returns how many files it will publish (at least FILES). */
function writePackage(dir: string): number {
  const files: string[] = [];
  for (let i = 0; files.length < FILES - 2; i++) {
    const folder = `lib/group-${Math.floor(i / 100)}`;
    mkdirSync(join(dir, folder), { recursive: true });
    const base = `${folder}/module-${i}`;
    const body = Array.from({ length: 20 + (i % 60) }, (_, line) => `export function f${i}_${line}(a, b) { return a * ${line} + b; }`).join('\n');
    writeFileSync(join(dir, `${base}.js`), `${body}\n//# sourceMappingURL=module-${i}.js.map\n`);
    writeFileSync(join(dir, `${base}.js.map`), JSON.stringify({ version: 3, file: `module-${i}.js`, sources: [`../../src/group-${Math.floor(i / 100)}/module-${i}.ts`], names: [], mappings: 'AAAA;AACA' }));
    writeFileSync(join(dir, `${base}.d.ts`), `export declare function f${i}_0(a: number, b: number): number;\n`);
    files.push(`${base}.js`, `${base}.js.map`, `${base}.d.ts`);
    if (i % 50 === 0) {
      writeFileSync(join(dir, `${folder}/bundle-${i}.js`), `${'const x = 1; '.repeat(20_000)}\n`);
      files.push(`${folder}/bundle-${i}.js`);
    }
  }
  const lock: Record<string, unknown> = { '': { name: 'bench-package', version: '2.0.0', dependencies: {} } };
  for (let i = 0; i < 1_000; i++) {
    lock[`node_modules/dep-${i}`] = { version: `1.${i % 10}.0`, resolved: `https://registry.npmjs.org/dep-${i}/-/dep-${i}-1.${i % 10}.0.tgz`, integrity: `sha512-${Buffer.alloc(64, i % 256).toString('base64')}` };
  }
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'bench-package', version: '2.0.0', lockfileVersion: 3, requires: true, packages: lock }, null, 2));
  writeFileSync(join(dir, 'README.md'), '# bench-package\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-package', version: '2.0.0', license: 'MIT', main: 'lib/group-0/module-0.js', files: ['lib/'] }, null, 2));
  return files.length + 2;
}

function timeRuns(args: readonly string[], cwd: string): { medianMs: number; files: number; code: number | null } {
  const times: number[] = [];
  let files = 0;
  let code: number | null = null;
  for (let run = 0; run < RUNS + 1; run++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [WARD_BIN, 'release-check', ...args, '--no-registry', '--format', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const elapsed = performance.now() - started;
    if (result.status !== 0 && result.status !== 1) throw new Error(`ward release-check exited ${result.status ?? result.signal ?? '?'}: ${result.stderr}`);
    code = result.status;
    files = (JSON.parse(result.stdout) as { package: { fileCount: number } }).package.fileCount;
    if (run > 0) times.push(elapsed); // the first run warms the compile cache
  }
  return { medianMs: round(summarize(times).median, 0), files, code };
}

export function measureReleaseCheck(): BenchReport {
  const root = mkdtempSync(join(tmpdir(), 'ward-bench-release-'));
  try {
    const dir = join(root, 'package');
    mkdirSync(dir);
    const published = writePackage(dir);
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', root], { cwd: dir, stdio: 'ignore' });
    const tarball = readdirSync(root).find((name) => name.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack made no tarball');
    const fromDir = timeRuns(['.'], dir);
    const fromTgz = timeRuns([join(root, tarball), '--lockfile', join(dir, 'package-lock.json')], dir);
    if (fromDir.files !== published || fromTgz.files !== published) throw new Error(`expected ${published} files, the gate saw ${fromDir.files} and ${fromTgz.files}`);
    return {
      benchmark: 'release-check: a package of 5,000 files',
      measurements: [
        { metric: `package directory (npm's packlist), start to exit, median of ${RUNS}`, value: fromDir.medianMs, unit: 'ms', targetBelow: TARGET_MS },
        { metric: `its .tgz from npm pack, start to exit, median of ${RUNS}`, value: fromTgz.medianMs, unit: 'ms', targetBelow: TARGET_MS },
      ],
      notes: [
        `the built CLI through bin/ward.js, --no-registry --format json; ${published} files (JavaScript with linked maps without source, declarations, 100 bundles of ~260 KB, README, package.json) and a lockfile of 1,000 entries; one warm-up run each; exit codes ${fromDir.code ?? '?'} and ${fromTgz.code ?? '?'}.`,
      ],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) printReport(measureReleaseCheck());

/**
 * `npm run release:check`: ward's own release through its own gate. Packs ward exactly as
 * `npm publish` would (`npm pack`, which runs the prepack build), writes the CycloneDX SBOM of
 * what the bundle contains beside the tarball, and runs `ward release-check` on the tarball with
 * the lockfile it was built from, failing on warnings too: any finding fails ward's release.
 *
 *   node scripts/release-check.ts [--out DIR] [--no-build] [release-check options...]
 *
 * --out DIR    where the tarball and the SBOM go (default: a fresh folder under the OS temp dir)
 * --no-build   pack dist/ as it is (npm pack --ignore-scripts): for the test suite, which has
 *              just built it and runs other tests against it at the same time
 * Anything else is passed to `ward release-check` (for example --no-registry, --format sarif).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let outDir: string | undefined;
let build = true;
const passThrough: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? '';
  if (arg === '--out') {
    const value = args[++i];
    if (value === undefined || value === '') {
      process.stderr.write('release:check: --out needs a folder\n');
      process.exit(2);
    }
    outDir = resolve(value);
  } else if (arg === '--no-build') {
    build = false;
  } else {
    passThrough.push(arg);
  }
}
const out = outDir ?? mkdtempSync(join(tmpdir(), 'ward-release-'));
mkdirSync(out, { recursive: true });

/** Runs a step; `report` steps write to standard output (the gate's report), the others to stderr. */
function run(command: string, commandArgs: readonly string[], report = false): number {
  const result = spawnSync(command, commandArgs, { cwd: repo, stdio: ['ignore', report ? 'inherit' : 2, 'inherit'] });
  if (result.error !== undefined) throw result.error;
  return result.status ?? 1;
}

const packed = run('npm', ['pack', '--silent', '--pack-destination', out, ...(build ? [] : ['--ignore-scripts'])]);
if (packed !== 0) {
  process.stderr.write(`release:check: npm pack failed (exit ${packed})\n`);
  process.exit(2);
}
const tarball = readdirSync(out).find((name) => name.endsWith('.tgz'));
if (tarball === undefined) {
  process.stderr.write(`release:check: npm pack left no .tgz in ${out}\n`);
  process.exit(2);
}
const tarballPath = join(out, tarball);
const sbomPath = tarballPath.replace(/\.tgz$/, '.cdx.json');
if (run(process.execPath, [join(repo, 'scripts', 'sbom.ts'), sbomPath]) !== 0) {
  process.stderr.write('release:check: the SBOM could not be written\n');
  process.exit(2);
}
process.stderr.write(`release:check: ${tarballPath}\nrelease:check: SBOM ${sbomPath}\n`);
const code = run(process.execPath, [join(repo, 'bin', 'ward.js'), 'release-check', tarballPath, '--lockfile', join(repo, 'package-lock.json'), '--fail-on', 'warning', ...passThrough], true);
process.exit(code);

/**
 * ward's own release through its own gate, on every `npm test`: `npm run release:check` packs
 * ward (dist/ as `npm test` has just built it: packing with the prepack build would rebuild
 * dist/ under the other tests), writes the SBOM beside the tarball and runs `ward
 * release-check` on it with the lockfile. Any finding fails this test, so CI fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/run-ward.ts';

test('npm run release:check passes on ward itself and leaves the tarball and its SBOM', () => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist', 'cli.js')), 'dist/ is built (npm test builds it first)');
  const out = mkdtempSync(join(tmpdir(), 'ward-own-release-'));
  try {
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'release-check.ts'), '--out', out, '--no-build', '--no-registry', '--format', 'json'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, `release-check found something in ward's own package:\n${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(run.stdout) as { package: { name: string; fileCount: number }; summary: { errors: number; warnings: number } };
    assert.equal(report.package.name, 'ward-agent');
    assert.equal(report.summary.errors + report.summary.warnings, 0);
    const files = readdirSync(out);
    const sbom = files.find((name) => name.endsWith('.cdx.json'));
    assert.ok(files.some((name) => name.endsWith('.tgz')));
    assert.ok(sbom !== undefined);
    const bom = JSON.parse(readFileSync(join(out, sbom), 'utf8')) as { bomFormat: string; components: { name: string }[] };
    assert.equal(bom.bomFormat, 'CycloneDX');
    assert.ok(bom.components.some((component) => component.name === 'npm-packlist'), 'the release gate is bundled, and listed');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

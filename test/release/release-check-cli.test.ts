/**
 * `ward release-check` as a user runs it: the built CLI on real package directories and on
 * tarballs made by the real `npm pack`, with the three output formats and the exit codes.
 * Includes the shape of the 2026 incident: a bundled cli.js whose map, linked from nothing,
 * carries hundreds of source files in sourcesContent. No registry is contacted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { runWard } from '../support/run-ward.ts';

const jsonReport = z.object({
  schemaVersion: z.literal(1),
  package: z.object({ name: z.string(), version: z.string(), fileCount: z.number() }),
  summary: z.object({ errors: z.number(), warnings: z.number(), info: z.number(), suppressed: z.number(), passed: z.boolean() }),
  findings: z.array(z.object({ rule: z.string(), severity: z.string(), file: z.string().nullable().optional(), reason: z.string(), fix: z.string(), fingerprint: z.string().nullable().optional() })),
});

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 text for fake tokens (random, so the gate's placeholder filter does not skip them). */
function fakeBase62(length: number): string {
  return Array.from(randomBytes(length), (byte) => BASE62[byte % BASE62.length]).join('');
}

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ward-release-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A bundled CLI package; `leak` gives its map every source in sourcesContent and no link. */
function writeCliPackage(dir: string, leak: boolean): void {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  const sources = Array.from({ length: 320 }, (_, i) => `../src/module-${i}.ts`);
  writeFileSync(join(dir, 'dist', 'cli.js'), `#!/usr/bin/env node\nconsole.log("bundled");\n${leak ? '' : '//# sourceMappingURL=cli.js.map\n'}`);
  writeFileSync(
    join(dir, 'dist', 'cli.js.map'),
    JSON.stringify({ version: 3, file: 'cli.js', sources, names: [], mappings: 'AAAA', ...(leak ? { sourcesContent: sources.map((_, i) => `export const secretSauce${i} = () => ${i};\n`) } : {}) }),
  );
  writeFileSync(join(dir, 'README.md'), '# the-cli\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'the-cli', version: '2.1.0', license: 'MIT', bin: { 'the-cli': 'dist/cli.js' }, files: ['dist/'] }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'the-cli', version: '2.1.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'the-cli', version: '2.1.0' } } }, null, 2));
}

function pack(dir: string, destination: string): string {
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', destination], { cwd: dir, stdio: 'ignore' });
  const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
  assert.ok(tarball !== undefined, 'npm pack made a tarball');
  return join(destination, tarball);
}

test('the 2026 incident shape fails in every format and as a tarball; its clean twin passes', async () => {
  const leaked = tempDir();
  const clean = tempDir();
  try {
    writeCliPackage(leaked.dir, true);
    writeCliPackage(clean.dir, false);

    const text = await runWard(['release-check', leaked.dir, '--no-registry'], { cwd: leaked.dir, env: {} });
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /dist\/cli\.js\.map/);
    assert.match(text.stdout, /sourcemap-embedded-source/);
    assert.match(text.stdout, /320/);
    assert.match(text.stdout, /failed/);

    const json = await runWard(['release-check', '--no-registry', '--format', 'json'], { cwd: leaked.dir, env: {} });
    assert.equal(json.code, 1, json.stderr);
    const report = jsonReport.parse(JSON.parse(json.stdout));
    assert.equal(report.package.name, 'the-cli');
    assert.equal(report.summary.passed, false);
    assert.ok(report.findings.some((finding) => finding.rule === 'sourcemap-embedded-source' && finding.severity === 'error' && finding.file === 'dist/cli.js.map'));

    const sarif = await runWard(['release-check', leaked.dir, '--no-registry', '--format', 'sarif'], { cwd: leaked.dir, env: {} });
    assert.equal(sarif.code, 1, sarif.stderr);
    const log = z.object({ version: z.literal('2.1.0'), runs: z.array(z.object({ results: z.array(z.object({ ruleId: z.string(), level: z.string() })) })) }).parse(JSON.parse(sarif.stdout));
    assert.ok(log.runs[0]?.results.some((result) => result.ruleId === 'sourcemap-embedded-source' && result.level === 'error'));

    const tarball = pack(leaked.dir, join(leaked.dir, 'dist', '..', '..'));
    const fromTgz = await runWard(['release-check', tarball, '--no-registry', '--lockfile', join(leaked.dir, 'package-lock.json'), '--format', 'json'], { cwd: leaked.dir, env: {} });
    assert.equal(fromTgz.code, 1, fromTgz.stderr);
    assert.ok(jsonReport.parse(JSON.parse(fromTgz.stdout)).findings.some((finding) => finding.rule === 'sourcemap-embedded-source' && finding.severity === 'error'));

    const twin = await runWard(['release-check', clean.dir, '--no-registry', '--format', 'json'], { cwd: clean.dir, env: {} });
    assert.equal(twin.code, 0, `${twin.stdout}\n${twin.stderr}`);
    const twinReport = jsonReport.parse(JSON.parse(twin.stdout));
    assert.equal(twinReport.summary.errors + twinReport.summary.warnings, 0);
  } finally {
    leaked.cleanup();
    clean.cleanup();
  }
});

test('a reviewed finding is allowlisted by its fingerprint in .ward/release-check.json, and counted as suppressed', async () => {
  const pkg = tempDir();
  try {
    writeCliPackage(pkg.dir, false);
    // A fake GitHub token in the real format, made up at run time so no token-shaped string
    // sits in the repository.
    const fakeGithubToken = `ghp_${fakeBase62(36)}`;
    writeFileSync(join(pkg.dir, 'dist', 'config.js'), `export const token = "${fakeGithubToken}";\n`);
    const first = await runWard(['release-check', '--no-registry', '--format', 'json'], { cwd: pkg.dir, env: {} });
    assert.equal(first.code, 1, first.stderr);
    const finding = jsonReport.parse(JSON.parse(first.stdout)).findings.find((entry) => entry.rule === 'secret-token');
    assert.ok(finding?.fingerprint != null, first.stdout);
    assert.ok(!first.stdout.includes(fakeGithubToken.slice(4, 30)), 'the secret itself is never printed');

    mkdirSync(join(pkg.dir, '.ward'));
    writeFileSync(join(pkg.dir, '.ward', 'release-check.json'), JSON.stringify({ allow: { fingerprints: [finding.fingerprint] } }));
    const second = await runWard(['release-check', '--no-registry', '--format', 'json'], { cwd: pkg.dir, env: {} });
    assert.equal(second.code, 0, second.stdout);
    assert.equal(jsonReport.parse(JSON.parse(second.stdout)).summary.suppressed, 1);
  } finally {
    pkg.cleanup();
  }
});

test('bad input and bad usage exit 2 with a message that names the problem', async () => {
  const pkg = tempDir();
  try {
    const missing = await runWard(['release-check', join(pkg.dir, 'nope')], { cwd: pkg.dir, env: {} });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope/);

    writeFileSync(join(pkg.dir, 'not-a-tarball.tgz'), 'hello');
    const notTar = await runWard(['release-check', join(pkg.dir, 'not-a-tarball.tgz'), '--no-registry'], { cwd: pkg.dir, env: {} });
    assert.equal(notTar.code, 2);
    assert.match(notTar.stderr, /not-a-tarball\.tgz/);

    const format = await runWard(['release-check', '--format', 'xml'], { cwd: pkg.dir, env: {} });
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format must be text, json or sarif/);

    writeCliPackage(pkg.dir, false);
    writeFileSync(join(pkg.dir, 'package.json'), JSON.stringify({ name: 'the-cli', version: '2.1.0', license: 'MIT', files: ['dist/'], ward: { releaseCheck: { alow: {} } } }));
    const config = await runWard(['release-check', '--no-registry'], { cwd: pkg.dir, env: {} });
    assert.equal(config.code, 2);
    assert.match(config.stderr, /alow/);

    const help = await runWard(['release-check', '--help'], { cwd: pkg.dir, env: {} });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--format text\|json\|sarif/);
  } finally {
    pkg.cleanup();
  }
});

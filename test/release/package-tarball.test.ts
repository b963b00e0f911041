/**
 * readPackageTarball must see in a .tgz exactly what the directory reader sees in the directory
 * it was packed from (real `npm pack`), and refuse hostile or broken archives with an input
 * error that says what is wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Header, create } from 'tar';
import { readPackageDirectory } from '../../src/release/package-directory.ts';
import { MAX_UNPACKED_BYTES, readPackageTarball, readPackageTarballFile } from '../../src/release/package-tarball.ts';
import { ReleaseInputError } from '../../src/release/errors.ts';
import type { PublishedPackage } from '../../src/release/types.ts';

const run = promisify(execFile);

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'ward-tarball-'));
}

async function writeTree(dir: string, files: Readonly<Record<string, string | { text: string; mode: number }>>): Promise<void> {
  for (const [file, entry] of Object.entries(files)) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, typeof entry === 'string' ? entry : entry.text);
    if (typeof entry !== 'string') await chmod(target, entry.mode);
  }
}

async function npmPack(dir: string, destination: string): Promise<string> {
  await run('npm', ['pack', '--pack-destination', destination, '--ignore-scripts'], {
    cwd: dir,
    env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
  });
  const [tgz] = (await readdir(destination)).filter((f) => f.endsWith('.tgz'));
  assert.ok(tgz, 'npm pack wrote no tarball');
  return path.join(destination, tgz);
}

async function contents(pkg: PublishedPackage): Promise<{ path: string; size: number; mode: number; text: string }[]> {
  return Promise.all(pkg.files.map(async (f) => ({ path: f.path, size: f.size, mode: f.mode, text: (await f.read()).toString('base64') })));
}

interface RawEntry {
  readonly path: string;
  readonly body?: string;
  readonly type?: 'File' | 'Directory' | 'SymbolicLink';
  readonly mode?: number;
  readonly linkpath?: string;
  /** Declared size, when it should differ from the body (to claim a huge file). */
  readonly size?: number;
}

/** A tar archive built header by header, so it can hold what well-behaved tools never write. */
function rawTarball(entries: readonly RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = new Header({
      path: entry.path,
      mode: entry.mode ?? 0o644,
      size: entry.size ?? body.length,
      type: entry.type ?? 'File',
      linkpath: entry.linkpath,
      mtime: new Date('1985-10-26T08:15:00Z'),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const manifestText = JSON.stringify({ name: 'fixture', version: '1.0.0' });

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ReleaseInputError, `expected a ReleaseInputError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

const packedFixtures: Record<string, Readonly<Record<string, string | { text: string; mode: number }>>> = {
  'files allowlist, bin and modes': {
    'package.json': JSON.stringify({ name: 'fixture', version: '1.0.0', files: ['lib', 'types/**/*.d.ts'], bin: { top: 'cli.js', deep: 'bin/deep.js' } }),
    'lib/index.js': 'module.exports = 1;\n',
    'lib/run.sh': { text: '#!/bin/sh\n', mode: 0o755 },
    'lib/private.txt': { text: 'p\n', mode: 0o600 },
    'types/a/b.d.ts': 'export {};\n',
    'cli.js': { text: '#!/usr/bin/env node\n', mode: 0o644 },
    'bin/deep.js': '#!/usr/bin/env node\n',
    'README.md': '# fixture\n',
    'src/secret.ts': 'not published\n',
  },
  'no files field, .npmignore, @-directory and binary bytes': {
    'package.json': manifestText,
    '.npmignore': 'test/\n',
    'index.js': 'exports.a = 1;\n',
    '@types/index.d.ts': 'export {};\n',
    'test/a.test.js': 'not published\n',
    'data/blob.bin': '\u0000\u00ff\u0001binary',
  },
  'bundled dependency': {
    'package.json': JSON.stringify({ name: 'fixture', version: '1.0.0', dependencies: { dep: '1.0.0' }, bundleDependencies: ['dep'] }),
    'index.js': 'require("dep");\n',
    'node_modules/dep/package.json': JSON.stringify({ name: 'dep', version: '1.0.0' }),
    'node_modules/dep/index.js': 'module.exports = 2;\n',
  },
};

for (const [name, files] of Object.entries(packedFixtures)) {
  test(`a tarball from npm pack holds what the directory reader lists: ${name}`, async () => {
    const dir = await tempDir();
    const out = await tempDir();
    try {
      await writeTree(dir, files);
      const tgz = await npmPack(dir, out);
      const fromTarball = await readPackageTarballFile(tgz);
      const fromDirectory = await readPackageDirectory(dir);
      assert.equal(fromTarball.origin, 'tarball');
      assert.equal(fromTarball.location, tgz);
      assert.equal(fromTarball.manifest.name, 'fixture');
      assert.deepEqual(await contents(fromTarball), await contents(fromDirectory));
      assert.ok(fromTarball.files.length >= 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(out, { recursive: true, force: true });
    }
  });
}

test('an entry with a ".." segment is refused', async () => {
  const bytes = rawTarball([
    { path: 'package/package.json', body: manifestText },
    { path: 'package/../evil.js', body: 'pwned' },
  ]);
  await rejectsWith(readPackageTarball(bytes, 'evil.tgz'), /evil\.tgz contains an entry that climbs out of the package \("package\/\.\.\/evil\.js"\)/);
});

test('an entry with an absolute path is refused', async () => {
  const bytes = rawTarball([
    { path: 'package/package.json', body: manifestText },
    { path: '/etc/evil', body: 'pwned' },
  ]);
  await rejectsWith(readPackageTarball(bytes, 'abs.tgz'), /absolute path \("\/etc\/evil"\)/);
});

test('a tarball that claims more than the size cap is refused without reading it', async () => {
  const bytes = rawTarball([
    { path: 'package/package.json', body: manifestText },
    { path: 'package/huge.bin', size: MAX_UNPACKED_BYTES + 1 },
  ]);
  await rejectsWith(readPackageTarball(bytes, 'huge.tgz'), /unpacks to more than 1 GiB/);
});

test('a file that is not a gzip tarball is refused, on disk or in memory', async () => {
  const dir = await tempDir();
  try {
    const file = path.join(dir, 'not-really.tgz');
    await writeFile(file, 'this is a README, not a tarball\n');
    await rejectsWith(readPackageTarballFile(file), /not-really\.tgz is not a gzip-compressed tar archive/);
    await rejectsWith(readPackageTarball(gzipSync('plain text, gzipped'), 'text.gz'), /text\.gz is gzip-compressed but not a valid tar archive/);
    const truncated = rawTarball([{ path: 'package/package.json', body: manifestText }, { path: 'package/a.js', body: 'x'.repeat(4000) }]);
    await rejectsWith(readPackageTarball(truncated.subarray(0, truncated.length - 20), 'cut.tgz'), /cut\.tgz is gzip-compressed but not a valid tar archive/);
    await rejectsWith(readPackageTarballFile(path.join(dir, 'missing.tgz')), /missing\.tgz does not exist/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a tarball whose top directory is not package/ still loads', async () => {
  const dir = await tempDir();
  try {
    await writeTree(dir, { 'node/package.json': manifestText, 'node/lib/a.js': 'a\n', 'node/bin/run': { text: '#!/bin/sh\n', mode: 0o755 } });
    const chunks: Buffer[] = [];
    for await (const chunk of create({ cwd: dir, gzip: true, portable: true }, ['node'])) chunks.push(Buffer.from(chunk as Uint8Array));
    const pkg = await readPackageTarball(Buffer.concat(chunks), 'registry.tgz');
    assert.deepEqual(pkg.files.map((f) => [f.path, f.mode]), [['bin/run', 0o755], ['lib/a.js', 0o644], ['package.json', 0o644]]);
    assert.equal((await pkg.files[1]!.read()).toString(), 'a\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('only regular files are kept; links and directories are not package files', async () => {
  const bytes = rawTarball([
    { path: 'package/', type: 'Directory', mode: 0o755 },
    { path: 'package/package.json', body: manifestText },
    { path: 'package/lib/', type: 'Directory', mode: 0o755 },
    { path: 'package/lib/a.js', body: 'a', mode: 0o755 },
    { path: 'package/lib/link.js', type: 'SymbolicLink', linkpath: 'a.js' },
    // Outside any top directory: npm's extraction (strip 1) never installs it.
    { path: 'stray-at-top-level', body: 'x' },
  ]);
  const pkg = await readPackageTarball(bytes, 'links.tgz');
  assert.deepEqual(pkg.files.map((f) => [f.path, f.size, f.mode]), [['lib/a.js', 1, 0o755], ['package.json', manifestText.length, 0o644]]);
});

test('a tarball without package.json at its root is refused', async () => {
  const bytes = rawTarball([{ path: 'package/lib/package.json', body: manifestText }]);
  await rejectsWith(readPackageTarball(bytes, 'nomanifest.tgz'), /nomanifest\.tgz has no package\.json at its root/);
  const broken = rawTarball([{ path: 'package/package.json', body: '{"name": ' }]);
  await rejectsWith(readPackageTarball(broken, 'broken.tgz'), /broken\.tgz: package\/package\.json is not valid JSON/);
});

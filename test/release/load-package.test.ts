/**
 * loadPublishedPackage dispatches on what it is given: a directory, a tarball (by name or by its
 * gzip magic), and anything else is an input error that says what was expected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { loadPublishedPackage } from '../../src/release/load-package.ts';
import { ReleaseInputError } from '../../src/release/errors.ts';

test('a directory, a .tgz and a gzip file with another name all load', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ward-load-'));
  try {
    const pkgDir = path.join(dir, 'package');
    await mkdir(pkgDir);
    await writeFile(path.join(pkgDir, 'package.json'), JSON.stringify({ name: 'loaded', version: '2.0.0' }));
    await writeFile(path.join(pkgDir, 'index.js'), 'module.exports = 1;\n');
    const tgz = path.join(dir, 'loaded-2.0.0.tgz');
    await create({ cwd: dir, gzip: true, portable: true, file: tgz }, ['package']);
    const renamed = path.join(dir, 'download.bin');
    await copyFile(tgz, renamed);

    const fromDir = await loadPublishedPackage(pkgDir);
    assert.equal(fromDir.origin, 'directory');
    const fromTgz = await loadPublishedPackage(tgz);
    assert.equal(fromTgz.origin, 'tarball');
    const fromMagic = await loadPublishedPackage(renamed);
    assert.equal(fromMagic.origin, 'tarball');
    for (const pkg of [fromDir, fromTgz, fromMagic]) {
      assert.equal(pkg.manifest.name, 'loaded');
      assert.deepEqual(pkg.files.map((f) => f.path), ['index.js', 'package.json']);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('anything else is an input error that says what was expected', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ward-load-'));
  try {
    const text = path.join(dir, 'notes.txt');
    await writeFile(text, 'hello\n');
    for (const [target, reason] of [[text, /is neither a directory nor a gzip-compressed tarball/], [path.join(dir, 'nope'), /does not exist/]] as const) {
      await assert.rejects(loadPublishedPackage(target), (error: unknown) => {
        assert.ok(error instanceof ReleaseInputError);
        assert.match(error.message, reason);
        assert.match(error.message, /expected a package directory \(with package\.json\) or a \.tgz made by npm pack/);
        return true;
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * Allowlist and confidential globs are written like .gitignore lines: a bare name matches in
 * any directory, a trailing slash means the whole directory, dotfiles are ordinary files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlobs, matchesAny } from '../../src/release/path-globs.ts';

test('a glob without a slash matches the file name in any directory', () => {
  assert.equal(matchesAny('dist/certs/server.pem', ['*.pem']), true);
  assert.equal(matchesAny('server.pem', ['*.pem']), true);
  assert.equal(matchesAny('dist/server.pem.txt', ['*.pem']), false);
});

test('a trailing slash names everything under the directory, at the root or nested', () => {
  const fixtures = compileGlobs(['fixtures/']);
  assert.equal(fixtures('fixtures/a.json'), true);
  assert.equal(fixtures('test/fixtures/deep/b.json'), true);
  assert.equal(fixtures('fixturesque/a.json'), false);
  assert.equal(matchesAny('test/docs/a.md', ['docs/internal/']), false);
  assert.equal(matchesAny('docs/internal/a.md', ['docs/internal/']), true);
});

test('dotfiles match, paths are package-relative, and no glob matches nothing', () => {
  assert.equal(matchesAny('.vscode/settings.json', ['.vscode/**']), true);
  assert.equal(matchesAny('config/.env.test', ['config/.env.*']), true);
  assert.equal(matchesAny('src/internal/keys.ts', ['src/internal/**']), true);
  assert.equal(matchesAny('lib/src/internal/keys.ts', ['src/internal/**']), false);
  assert.equal(matchesAny('src/a.ts', ['./src/*.ts']), true);
  assert.equal(compileGlobs([])('anything'), false);
});

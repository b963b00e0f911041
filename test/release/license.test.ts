/**
 * Open or closed source decides whether shipped source code is a leak. npm's conventions mark
 * closed packages (no license, UNLICENSED, SEE LICENSE IN); SPDX expressions are open unless
 * they name custom terms (LicenseRef-); free text old packages carry ("Apache 2.0") is read
 * generously, because calling an ordinary package closed would fail it for its source maps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenSource } from '../../src/release/license.ts';
import { parseManifest } from '../../src/release/manifest.ts';
import { releaseCheckConfigSchema } from '../../src/release/config-schema.ts';

function verdict(fields: Record<string, unknown>, openSource: 'auto' | 'open' | 'closed' = 'auto'): { open: boolean; why: string } {
  const manifest = parseManifest({ name: 'fixture', version: '1.0.0', ...fields }, 'package.json');
  return isOpenSource(manifest, releaseCheckConfigSchema.parse({ openSource }));
}

test('SPDX identifiers and expressions are open source', () => {
  for (const license of ['MIT', 'Apache-2.0', 'ISC', 'GPL-3.0-or-later', 'GPL-2.0+', '(MIT OR Apache-2.0)', 'MIT AND CC-BY-4.0', 'GPL-2.0-only WITH Classpath-exception-2.0', 'Unlicense', '0BSD']) {
    const result = verdict({ license });
    assert.equal(result.open, true, license);
    assert.match(result.why, new RegExp(license.replace(/[()+]/g, '\\$&')));
  }
});

test('no license, UNLICENSED and SEE LICENSE IN are closed, and say why', () => {
  assert.deepEqual(verdict({}), { open: false, why: 'package.json declares no license' });
  assert.match(verdict({ private: true }).why, /no license and is marked "private": true/);
  assert.equal(verdict({ license: 'UNLICENSED' }).open, false);
  assert.equal(verdict({ license: 'unlicensed' }).open, false);
  const seeLicense = verdict({ license: 'SEE LICENSE IN LICENSE.md' });
  assert.equal(seeLicense.open, false);
  assert.match(seeLicense.why, /SEE LICENSE IN LICENSE\.md/);
});

test('custom terms are closed: LicenseRef-, proprietary words, and an AND with one of them', () => {
  for (const license of ['LicenseRef-Acme-EULA', 'Proprietary', 'Commercial', 'MIT AND LicenseRef-Acme', 'DocumentRef-spdx:LicenseRef-X']) {
    assert.equal(verdict({ license }).open, false, license);
  }
  const mixed = verdict({ license: 'MIT AND LicenseRef-Acme' });
  assert.match(mixed.why, /LicenseRef-Acme/);
});

test('an OR with one open branch is open: the user may choose it', () => {
  assert.equal(verdict({ license: '(LicenseRef-Acme OR MIT)' }).open, true);
});

test('legacy license objects and arrays are read', () => {
  assert.equal(verdict({ license: { type: 'MIT', url: 'https://example.com' } }).open, true);
  assert.equal(verdict({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }).open, true);
});

test('non-SPDX free text naming an open-source license is open; other free text is closed', () => {
  for (const license of ['Apache 2.0', 'MIT License', 'BSD', 'Apache License, Version 2.0', 'GPLv3']) {
    assert.equal(verdict({ license }).open, true, license);
  }
  for (const license of ['All rights reserved', 'Copyright Acme Inc. All rights reserved', 'internal use only', 'MIT-style, but proprietary']) {
    assert.equal(verdict({ license }).open, false, license);
  }
});

test('the configuration wins over the license field', () => {
  assert.equal(verdict({ license: 'MIT' }, 'closed').open, false);
  assert.match(verdict({ license: 'MIT' }, 'closed').why, /configuration/);
  assert.equal(verdict({}, 'open').open, true);
});

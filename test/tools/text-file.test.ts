import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8, formatSize, sniffContent, truncateLine, utf8Boundary } from '../../src/tools/text-file.ts';
import { displayPath, resolveToolPath } from '../../src/tools/paths.ts';

test('sniffContent: text, NUL bytes, signatures, mostly garbage, and a few invalid bytes', () => {
  assert.deepEqual(sniffContent(Buffer.from('hello\n'), true), { binary: false, validUtf8: true });
  assert.deepEqual(sniffContent(Buffer.from([0x61, 0x00, 0x62]), true), { binary: true, what: 'binary data (contains NUL bytes)' });
  assert.deepEqual(sniffContent(Buffer.from('%PDF-1.7\n'), true), { binary: true, what: 'PDF document' });
  assert.deepEqual(sniffContent(Buffer.from([0xff, 0xfe, 0x68, 0x00]), true), { binary: true, what: 'UTF-16 text (only UTF-8 is supported)' });
  assert.equal(sniffContent(Buffer.from(Array.from({ length: 100 }, (_, i) => 0x80 + (i % 60))), true).binary, true);
  assert.deepEqual(sniffContent(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), true), { binary: false, validUtf8: false });
});

test('a multi-byte character cut by the sample end is not counted as invalid', () => {
  const bytes = Buffer.from('plain text é');
  const cut = bytes.subarray(0, bytes.length - 1);
  assert.deepEqual(sniffContent(cut, false), { binary: false, validUtf8: true });
  assert.deepEqual(sniffContent(cut, true), { binary: false, validUtf8: false });
});

test('a genuine U+FFFD is valid UTF-8', () => {
  assert.deepEqual(sniffContent(Buffer.from('a\uFFFDb'), true), { binary: false, validUtf8: true });
  assert.deepEqual(decodeUtf8(Buffer.from('a\uFFFDb')), { text: 'a\uFFFDb', valid: true });
  assert.deepEqual(decodeUtf8(Buffer.from([0x61, 0xff])), { text: 'a\uFFFD', valid: false });
});

test('utf8Boundary and truncateLine never split a character', () => {
  const bytes = Buffer.from('aé€');
  assert.equal(utf8Boundary(bytes, 2), 1);
  assert.equal(utf8Boundary(bytes, 3), 3);
  assert.equal(utf8Boundary(bytes, 5), 3);
  assert.equal(utf8Boundary(bytes, 6), 6);
  assert.equal(utf8Boundary(bytes.subarray(0, 5), 5), 3);
  assert.deepEqual(truncateLine('a🎉', 2), { text: 'a', truncated: true });
  assert.deepEqual(truncateLine('abc', 3), { text: 'abc', truncated: false });
});

test('formatSize', () => {
  assert.equal(formatSize(12), '12 bytes');
  assert.equal(formatSize(2048), '2.0 KB');
  assert.equal(formatSize(21 * 1024 * 1024), '21 MB');
});

test('paths resolve against the project root and display relative to it', () => {
  assert.equal(resolveToolPath('src/a.ts', '/p'), '/p/src/a.ts');
  assert.equal(resolveToolPath('/etc/passwd', '/p'), '/etc/passwd');
  assert.equal(resolveToolPath('~/x', '/p'), '/p/~/x');
  assert.equal(displayPath('/p/src/a.ts', '/p'), 'src/a.ts');
  assert.equal(displayPath('/p', '/p'), '.');
  assert.equal(displayPath('/pother/a', '/p'), '/pother/a');
  assert.equal(displayPath('/etc/hosts', '/p'), '/etc/hosts');
});

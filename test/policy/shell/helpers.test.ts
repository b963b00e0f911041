// The small readers the analyser is built from: $'…' decoding, option splitting, sed scripts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOptions } from '../../../src/policy/shell/options.ts';
import { scanSedScript } from '../../../src/policy/shell/sed-script.ts';
import { decodeAnsiC, unescapeDoubleQuoted } from '../../../src/policy/shell/words.ts';

test("$'…' decodes as bash does", () => {
  assert.equal(decodeAnsiC('\\x72m'), 'rm');
  assert.equal(decodeAnsiC('\\162\\155'), 'rm');
  assert.equal(decodeAnsiC('\\u0072\\U0000006d'), 'rm');
  assert.equal(decodeAnsiC('a\\tb\\nc\\\\d\\\'e'), "a\tb\nc\\d'e");
  assert.equal(decodeAnsiC('\\cA'), '\x01');
  assert.equal(decodeAnsiC('keep\\x00dropped'), 'keep', 'a NUL ends the string');
  assert.equal(decodeAnsiC('\\q'), '\\q', 'an unknown escape stays');
});

test('inside double quotes only $ ` " \\ and newline are escaped', () => {
  assert.equal(unescapeDoubleQuoted('a\\"b\\$c\\`d\\\\e\\qf'), 'a"b$c`d\\e\\qf');
  assert.equal(unescapeDoubleQuoted('x\\\ny'), 'xy');
});

test('options split as getopt does: clusters, attached and separate values, --', () => {
  const parsed = parseOptions(['cmd', '-abo', 'out', '--file=x', '--mode', '644', 'a', '--', '-b'], 1, { withValue: new Set(['-o', '--mode']) });
  assert.deepEqual(parsed.options.map((option) => [option.name, option.value]), [['-a', null], ['-b', null], ['-o', 'out'], ['--file', 'x'], ['--mode', '644']]);
  assert.deepEqual(parsed.operands, [6, 8]);
  const attached = parseOptions(['cmd', '-oout', 'x'], 1, { withValue: new Set(['-o']) });
  assert.deepEqual(attached.options.map((option) => [option.name, option.value]), [['-o', 'out']]);
  const stop = parseOptions(['sudo', '-u', 'root', 'rm', '-rf', '/'], 1, { withValue: new Set(['-u']), stopAtOperand: true });
  assert.deepEqual(stop.operands, [3]);
});

test('sed scripts: e and w are found, plain edits are not', () => {
  assert.deepEqual(scanSedScript('s/a/b/g'), { executes: false, reads: [], writes: [], unknown: false });
  assert.equal(scanSedScript('s/a/id/e').executes, true);
  assert.equal(scanSedScript('1e id').executes, true);
  assert.equal(scanSedScript('/x/{p;d}').executes, false);
  assert.deepEqual(scanSedScript('s|a|b|w out.txt').writes, ['out.txt']);
  assert.deepEqual(scanSedScript('1,5p\nw /tmp/o').writes, ['/tmp/o']);
  assert.deepEqual(scanSedScript('r /etc/passwd').reads, ['/etc/passwd']);
  assert.equal(scanSedScript('s/a\\/b/c/;y/abc/xyz/;$!N;P;D').unknown, false);
  assert.equal(scanSedScript('a\\\ntext e w x').executes, false, 'appended text is not a command');
  assert.equal(scanSedScript('s/unterminated').unknown, true);
  assert.equal(scanSedScript('K').unknown, true);
});

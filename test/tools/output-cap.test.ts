import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capOutput, HeadTailBuffer } from '../../src/tools/output-cap.ts';

function numberedLines(count: number): string {
  return Array.from({ length: count }, (_, index) => `line ${index + 1}`).join('\n') + '\n';
}

test('capOutput leaves text within the cap untouched', () => {
  const result = capOutput('short\noutput\n', 1000);
  assert.deepEqual(result, { text: 'short\noutput\n', truncated: false, omittedChars: 0, omittedLines: 0 });
});

test('capOutput keeps the first and last lines, cut on line boundaries, and says what it left out', () => {
  const text = numberedLines(10_000);
  const result = capOutput(text, 2000);
  assert.equal(result.truncated, true);
  assert.ok(result.text.length <= 2000, `capped length ${result.text.length}`);
  assert.ok(result.text.startsWith('line 1\nline 2\n'));
  assert.ok(result.text.endsWith('line 9999\nline 10000\n'));
  const markerLine = result.text.split('\n').find((line) => line.includes('omitted'));
  assert.ok(markerLine !== undefined);
  assert.match(markerLine, new RegExp(`^\\[\\.\\.\\. ${result.omittedChars} characters \\(${result.omittedLines} lines\\) omitted \\.\\.\\.\\]$`));
  // Every kept line is whole: the cut fell between lines.
  for (const line of result.text.split('\n')) {
    assert.ok(line === '' || /^line \d+$/.test(line) || line === markerLine, `broken line: ${line}`);
  }
  // What was kept plus what was omitted accounts for the whole input (the marker adds one newline).
  assert.equal(result.text.length - markerLine.length - 1 + result.omittedChars, text.length);
  // More of the tail is kept than of the head.
  const [head = '', tail = ''] = result.text.split(markerLine);
  assert.ok(tail.length > head.length);
});

test('capOutput cuts mid-line when the text has no line breaks', () => {
  const text = 'a'.repeat(5000) + 'b'.repeat(5000);
  const result = capOutput(text, 1000);
  assert.ok(result.text.startsWith('aaaa'));
  assert.ok(result.text.endsWith('bbbb'));
  assert.equal(result.omittedLines, 0);
  assert.ok(result.text.length <= 1000);
});

test('HeadTailBuffer returns everything when the output fits', () => {
  const buffer = new HeadTailBuffer(1000);
  buffer.push('hello ');
  buffer.push(Buffer.from('world\n'));
  buffer.end();
  const result = buffer.snapshot();
  assert.equal(result.text, 'hello world\n');
  assert.equal(result.truncated, false);
  assert.equal(result.bytes, 12);
});

test('HeadTailBuffer keeps a character split across chunks whole', () => {
  const bytes = Buffer.from('naïve – 日本語', 'utf8');
  const buffer = new HeadTailBuffer(1000);
  for (const byte of bytes) buffer.push(Uint8Array.of(byte));
  buffer.end();
  assert.equal(buffer.snapshot().text, 'naïve – 日本語');
});

test('HeadTailBuffer holds a bounded amount while 10 MB stream through, and keeps head and tail', () => {
  const maxChars = 10_000;
  const buffer = new HeadTailBuffer(maxChars);
  buffer.push('FIRST LINE\n');
  const line = 'x'.repeat(99) + '\n';
  const chunk = Buffer.from(line.repeat(640)); // 64 000 bytes, like a pipe read
  let largestHeld = 0;
  for (let sent = 0; sent < 10_000_000; sent += chunk.length) {
    buffer.push(chunk);
    largestHeld = Math.max(largestHeld, buffer.heldChars);
  }
  buffer.push('LAST LINE\n');
  buffer.end();
  assert.ok(largestHeld <= 2 * maxChars + chunk.length, `held ${largestHeld} characters`);
  const result = buffer.snapshot();
  assert.equal(result.truncated, true);
  assert.ok(result.text.startsWith('FIRST LINE\n'));
  assert.ok(result.text.endsWith('LAST LINE\n'));
  assert.ok(result.text.length <= maxChars);
  assert.equal(result.bytes, buffer.totalBytes);
  assert.equal(result.bytes, 11 + 10_048_000 + 10);
  // The omitted count is exact: kept text plus omitted characters is the whole stream.
  const markerLength = /\[\.\.\. .* omitted \.\.\.\]\n?/.exec(result.text)?.[0].length ?? 0;
  assert.equal(result.text.length - markerLength + result.omittedChars, result.bytes);
});

test('HeadTailBuffer.drain returns only what arrived since the previous drain', () => {
  const buffer = new HeadTailBuffer(1000);
  buffer.push('one\n');
  assert.equal(buffer.drain().text, 'one\n');
  assert.equal(buffer.drain().text, '');
  buffer.push('two\n');
  buffer.push('three\n');
  assert.equal(buffer.drain().text, 'two\nthree\n');
  assert.equal(buffer.totalBytes, 14);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedactor } from '../../src/policy/redaction.ts';
import { StreamRedactor } from '../../src/policy/stream-redactor.ts';

const redactor = createRedactor([]);
const redact = (text: string): string => redactor(text).text;
const TOKEN = 'ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE1234';

function streamInPieces(text: string, size: number): string {
  const stream = new StreamRedactor(redact);
  let out = '';
  for (let index = 0; index < text.length; index += size) out += stream.push(text.slice(index, index + size));
  return out + stream.flush();
}

test('regression: a secret split across streamed pieces is masked, whatever the piece size', () => {
  const text = `Here is the token you asked about: ${TOKEN} and the header Authorization: Bearer ${TOKEN} done.\n`;
  for (const size of [1, 2, 3, 7, 16, 1000]) {
    const out = streamInPieces(text, size);
    assert.doesNotMatch(out, /ghp_FAKE/, `piece size ${size}`);
    assert.match(out, /\[REDACTED:/);
    assert.match(out, /^Here is the token you asked about: /);
    assert.match(out, / done\.\n$/);
  }
});

test('an open PEM block is held until it ends, then masked whole', () => {
  const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ FAKE\nAAAAC3NzaC1lZDI1NTE5AAAAIFAKEFAKE\n-----END OPENSSH PRIVATE KEY-----\n';
  const out = streamInPieces(`key:\n${pem}after`, 5);
  assert.doesNotMatch(out, /b3BlbnNzaC1rZXkt|FAKEFAKE/);
  assert.match(out, /after$/);
});

test('plain text streams through unchanged, and reset drops what a retried turn held', () => {
  assert.equal(streamInPieces('just some ordinary words, nothing secret here', 4), 'just some ordinary words, nothing secret here');
  const stream = new StreamRedactor(redact);
  stream.push('partial answer that will be ');
  stream.reset();
  assert.equal(stream.flush(), '');
});

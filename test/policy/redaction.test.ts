import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedactor } from '../../src/policy/redaction.ts';

// Every value below is fake; the names say so, so no scanner mistakes them for real secrets.
const FAKE_TOKENS: readonly (readonly [kind: string, fake: string])[] = [
  ['anthropic_key', 'sk-ant-api03-FAKEFAKEFAKEFAKEFAKEFAKEFAKE-canary_0000'],
  ['openai_key', 'sk-proj-FAKEfakeFAKEfakeFAKEfake1234567890'],
  ['openai_key', 'sk-FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE1234'],
  ['github_token', 'ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE'],
  ['github_token', 'gho_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE'],
  ['github_token', 'ghs_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE'],
  ['github_token', 'github_pat_11FAKEFAKE0_FAKEFAKEFAKEFAKEFAKEFAKEFAKE'],
  ['aws_access_key_id', 'AKIAFAKEFAKEFAKEFAKE'],
  ['aws_access_key_id', 'ASIAFAKEFAKEFAKEFAKE'],
  ['slack_token', 'xoxb-000000000000-FAKEFAKEFAKEfake'],
  ['slack_webhook', 'https://hooks.slack.com/services/TFAKE0000/BFAKE0000/FAKEfakeFAKEfakeFAKE'],
  ['npm_token', 'npm_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE'],
  ['google_api_key', 'AIzaFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAK'],
  ['stripe_key', 'sk_live_FAKEFAKEFAKEFAKE1234'],
  ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJGQUtFIn0.FAKEsignatureFAKE_canary'],
];

test('each known token format is masked with its kind', () => {
  const redact = createRedactor([]);
  for (const [kind, fake] of FAKE_TOKENS) {
    const result = redact(`before ${fake} after`);
    assert.equal(result.text, `before [REDACTED:${kind}] after`, `${kind}: ${fake}`);
    assert.equal(result.redactions, 1, kind);
  }
});

test('tokens inside quotes, assignments and JSON are masked', () => {
  const redact = createRedactor([]);
  const text = 'OPENAI_API_KEY="sk-proj-FAKEfakeFAKEfakeFAKEfake1234567890"\n{"token":"ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE"}';
  assert.equal(redact(text).text, 'OPENAI_API_KEY="[REDACTED:openai_key]"\n{"token":"[REDACTED:github_token]"}');
});

test('an AWS secret access key assignment keeps its name and loses its value', () => {
  const redact = createRedactor([]);
  const fakeSecret = 'FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake';
  assert.equal(redact(`aws_secret_access_key = ${fakeSecret}`).text, 'aws_secret_access_key = [REDACTED:aws_secret_access_key]');
  assert.equal(redact(`AWS_SECRET_ACCESS_KEY="${fakeSecret}"`).text, 'AWS_SECRET_ACCESS_KEY="[REDACTED:aws_secret_access_key]"');
});

test('Authorization headers and bearer tokens keep the scheme and lose the credential', () => {
  const redact = createRedactor([]);
  assert.equal(redact('Authorization: Bearer FAKEtoken.FAKE.value_canary').text, 'Authorization: Bearer [REDACTED:authorization]');
  assert.equal(redact("-H 'authorization: Basic ZmFrZTpmYWtlY2FuYXJ5'").text, "-H 'authorization: Basic [REDACTED:authorization]'");
  assert.equal(redact('token is Bearer FAKEFAKEFAKEFAKEFAKEFAKE=').text, 'token is Bearer [REDACTED:bearer_token]');
});

test('a whole private key block is masked, and so is one cut off before its end', () => {
  const redact = createRedactor([]);
  const fakeBlock = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIFAKEFAKEFAKE', 'FAKEFAKEFAKE==', '-----END RSA PRIVATE KEY-----'].join('\n'); // fake
  const result = redact(`key:\n${fakeBlock}\ndone`);
  assert.equal(result.text, 'key:\n[REDACTED:private_key]\ndone');
  assert.equal(result.redactions, 1);

  const fakeOpenSsh = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaFAKE', '-----END OPENSSH PRIVATE KEY-----'].join('\n'); // fake
  assert.equal(redact(`${fakeOpenSsh} and ${fakeBlock}`).text, '[REDACTED:private_key] and [REDACTED:private_key]');

  const cutFake = '-----BEGIN PRIVATE KEY-----\nMIIFAKEFAKE\n[... 500 characters omitted ...]'; // fake
  assert.equal(redact(`start\n${cutFake}`).text, 'start\n[REDACTED:private_key]');
});

test('exact secret values are masked wherever they appear, URL-encoded too', () => {
  const redact = createRedactor(['canary-value-FAKE-123', 'p@ss w0rd canary', 'canary-value-FAKE-123-longer']);
  const result = redact('a=canary-value-FAKE-123 b=canary-value-FAKE-123-longer url=https://x.test/?p=p%40ss%20w0rd%20canary');
  assert.equal(result.text, 'a=[REDACTED:secret] b=[REDACTED:secret] url=https://x.test/?p=[REDACTED:secret]');
  assert.equal(result.redactions, 3);
});

test('ordinary text is left alone', () => {
  const redact = createRedactor(['']);
  const text = 'task-FAKEFAKEFAKEFAKEFAKEFAKE KEYBOARD sk- prefix, sk-feature-branch-for-the-login-page, AKIA alone, eyJ alone, Bearer short, npm_install\n';
  assert.deepEqual(redact(text), { text, redactions: 0 });
});

test('adversarial near-misses over 30 KB finish, and real tokens among them are still found', { timeout: 10_000 }, () => {
  const redact = createRedactor(['canary-value-FAKE-123']);
  const nearMisses = [
    'sk-'.repeat(2000),
    'eyJ' + 'a'.repeat(5000) + '.eyJ' + 'b'.repeat(5000),
    '-----BEGIN RSA PRIVATE KEY----- '.repeat(10).replace(/PRIVATE/g, 'PUBLIC'), // fake near-miss
    'aws_secret_access_key = '.repeat(300),
    'Authorization: Bearer '.repeat(300),
    'AKIA'.repeat(1000),
    'x'.repeat(5000),
  ].join('\n');
  assert.ok(nearMisses.length > 30_000);
  const text = `${nearMisses}\nghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE\ncanary-value-FAKE-123\n`;
  const result = redact(text);
  assert.ok(result.text.includes('[REDACTED:github_token]'));
  assert.ok(result.text.includes('[REDACTED:secret]'));
  assert.ok(!result.text.includes('ghp_FAKE'));
});

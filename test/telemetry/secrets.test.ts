/**
 * OTEL_EXPORTER_OTLP_HEADERS usually holds a collector's API key: it never reaches the
 * commands ward runs, and its values are masked wherever they turn up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChildEnv, isSecretName, secretValuesFrom } from '../../src/policy/child-env.ts';
import { createRedactor } from '../../src/policy/redaction.ts';
import { parseOtlpHeaders } from '../../src/telemetry/otlp-headers.ts';

const PARENT = {
  PATH: '/usr/bin',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'https://api.honeycomb.example',
  OTEL_EXPORTER_OTLP_HEADERS: 'x-honeycomb-team=hc-team-key-0123456789,x-honeycomb-dataset=ward',
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'Authorization=Bearer%20trace-token-abcdefghij',
  OTEL_SERVICE_NAME: 'ward',
};

test('no OTEL variable reaches a command', () => {
  const env = buildChildEnv(PARENT);
  assert.deepEqual(Object.keys(env), ['PATH']);
});

test('the header variables count as secrets, the endpoint and service name do not', () => {
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_LOGS_HEADERS']) {
    assert.equal(isSecretName(name), true, name);
  }
  for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_PROTOCOL']) assert.equal(isSecretName(name), false, name);
});

test('each header value, and the token of a Bearer value, is redacted wherever it turns up', () => {
  const values = secretValuesFrom(PARENT);
  for (const expected of ['hc-team-key-0123456789', 'Bearer trace-token-abcdefghij', 'trace-token-abcdefghij', PARENT.OTEL_EXPORTER_OTLP_HEADERS]) {
    assert.ok(values.includes(expected), `${expected} is not redacted`);
  }
  assert.ok(!values.includes('ward'), 'short, ordinary values are not masked everywhere');
  const redact = createRedactor(values);
  const leaked = redact('config: team=hc-team-key-0123456789 token=trace-token-abcdefghij');
  assert.ok(!leaked.text.includes('hc-team-key-0123456789') && !leaked.text.includes('trace-token-abcdefghij'), leaked.text);
  assert.ok(leaked.redactions >= 2);
});

test('header lists parse as the specification writes them', () => {
  assert.deepEqual(parseOtlpHeaders(' a=1 , b = two%20words,broken,=nokey,c=x=y '), { a: '1', b: 'two words', c: 'x=y' });
  assert.deepEqual(parseOtlpHeaders(undefined), {});
});

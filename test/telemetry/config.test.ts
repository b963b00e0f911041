/**
 * Whether and where ward exports telemetry: the standard OTEL variables, user settings, and
 * managed settings that can force export on or off and fix the destination.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveEffectivePolicy, type EffectivePolicy } from '../../src/policy/effective.ts';
import { resolveTelemetryConfig, telemetryEnabled, type Env, type TelemetryConfig } from '../../src/telemetry/config.ts';
import type { TelemetryLayers, TelemetrySettings } from '../../src/telemetry/layers.ts';
import { BUILTIN_TOOL_NAMES } from '../../src/tools/tool-names.ts';

function layers(managed?: TelemetrySettings, user?: TelemetrySettings): TelemetryLayers {
  return {
    managed: managed === undefined ? null : { settings: managed, source: '/etc/ward/managed-settings.json' },
    user: user === undefined ? null : { settings: user, source: '/home/me/.ward/settings.json' },
  };
}

function resolve(env: Env, managed?: TelemetrySettings, user?: TelemetrySettings): TelemetryConfig {
  return resolveTelemetryConfig(layers(managed, user), env);
}

const urls = (config: TelemetryConfig): (string | undefined)[] => [config.signals.traces?.url, config.signals.metrics?.url, config.signals.logs?.url];

test('off by default: no variable, no setting', () => {
  const config = resolve({ PATH: '/usr/bin', HOME: '/home/me' });
  assert.equal(telemetryEnabled(config), false);
  assert.equal(config.reason, 'off by default');
});

test('OTEL_EXPORTER_OTLP_ENDPOINT turns it on; each signal gets its path; protobuf by default', () => {
  const config = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/' });
  assert.equal(telemetryEnabled(config), true);
  assert.deepEqual(urls(config), ['https://collector.example:4318/v1/traces', 'https://collector.example:4318/v1/metrics', 'https://collector.example:4318/v1/logs']);
  assert.equal(config.signals.traces?.protocol, 'http/protobuf');
  assert.equal(config.includeContent, false);
});

test('a per-signal endpoint is used as it is and turns export on by itself', () => {
  const config = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom/traces' });
  assert.deepEqual(urls(config), ['http://b:9999/custom/traces', 'http://a:4318/v1/metrics', 'http://a:4318/v1/logs']);
  assert.equal(telemetryEnabled(resolve({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://b:1/logs' })), true);
});

test('protocol, per signal or for all; grpc is not supported and says so', () => {
  const config = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf' });
  assert.equal(config.signals.traces?.protocol, 'http/json');
  assert.equal(config.signals.metrics?.protocol, 'http/protobuf');
  const grpc = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
  assert.equal(grpc.signals.logs?.protocol, 'http/protobuf');
  assert.match(grpc.warnings.join('\n'), /OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported/);
});

test('headers: settings, then the general variable, then the signal variable', () => {
  const config = resolve(
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_HEADERS: 'x-key=env,x-team=a%20b', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-key=traces' },
    undefined,
    { headers: { 'x-key': 'settings', 'x-user': 'me' } },
  );
  assert.deepEqual(config.signals.traces?.headers, { 'x-key': 'traces', 'x-team': 'a b', 'x-user': 'me' });
  assert.deepEqual(config.signals.logs?.headers, { 'x-key': 'env', 'x-team': 'a b', 'x-user': 'me' });
});

test('OTEL_SDK_DISABLED and OTEL_*_EXPORTER=none turn export, or a signal, off', () => {
  assert.equal(telemetryEnabled(resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' })), false);
  const noLogs = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_LOGS_EXPORTER: 'none' });
  assert.equal(noLogs.signals.logs, null);
  assert.notEqual(noLogs.signals.traces, null);
  const none = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
  assert.equal(telemetryEnabled(resolve(none)), false);
});

test('user settings: enabled or an endpoint turns it on; enabled: false keeps it off despite the variables', () => {
  assert.deepEqual(urls(resolve({}, undefined, { enabled: true })), ['http://localhost:4318/v1/traces', 'http://localhost:4318/v1/metrics', 'http://localhost:4318/v1/logs']);
  const byEndpoint = resolve({}, undefined, { endpoint: 'http://mine:4318', protocol: 'http/json' });
  assert.equal(telemetryEnabled(byEndpoint), true);
  assert.equal(byEndpoint.signals.traces?.protocol, 'http/json');
  const optedOut = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' }, undefined, { enabled: false });
  assert.equal(telemetryEnabled(optedOut), false);
  assert.match(optedOut.reason, /user settings/);
});

test('the variables win over user settings for the destination', () => {
  const config = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, undefined, { endpoint: 'http://mine:4318', protocol: 'http/protobuf' });
  assert.equal(config.signals.traces?.url, 'http://env:4318/v1/traces');
  assert.equal(config.signals.traces?.protocol, 'http/json');
});

test('managed settings force export on or off, whatever the user and the variables say', () => {
  const forcedOn = resolve({ OTEL_SDK_DISABLED: 'true' }, { enabled: true }, { enabled: false });
  assert.equal(telemetryEnabled(forcedOn), true);
  assert.match(forcedOn.reason, /managed settings/);
  assert.equal(telemetryEnabled(resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' }, { enabled: false }, { enabled: true })), false);
  const allOff = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
  assert.ok(Object.values(resolve(allOff, { enabled: true }).signals).every((target) => target !== null), 'no signal can be turned off under forced export');
});

test('a managed endpoint fixes the destination: no variable or user setting moves it', () => {
  const config = resolve(
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env:4318/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-user-key=from-env,x-org-key=spoofed',
    },
    { enabled: true, endpoint: 'https://otel.corp.example', headers: { 'x-org-key': 'org' } },
    { endpoint: 'http://mine:4318', protocol: 'http/json', headers: { 'x-mine': 'user' } },
  );
  assert.deepEqual(urls(config), ['https://otel.corp.example/v1/traces', 'https://otel.corp.example/v1/metrics', 'https://otel.corp.example/v1/logs']);
  assert.equal(config.signals.traces?.protocol, 'http/protobuf');
  // The user's headers belonged to their own destination; the variables' are still sent (per-user keys).
  assert.deepEqual(config.signals.traces?.headers, { 'x-user-key': 'from-env', 'x-org-key': 'org' });
});

test('content only when managed or user settings say so; managed decides', () => {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' };
  assert.equal(resolve(env).includeContent, false);
  assert.equal(resolve(env, undefined, { includeContent: true }).includeContent, true);
  assert.equal(resolve(env, { includeContent: false }, { includeContent: true }).includeContent, false);
});

test("settings' header values are handed to redaction, the token of an Authorization value too", () => {
  const config = resolve({}, { headers: { authorization: 'Bearer org-token-123456' } }, { enabled: true, headers: { 'x-api-key': 'user-key-abcdef' } });
  assert.deepEqual([...config.secretValues].sort(), ['Bearer org-token-123456', 'org-token-123456', 'user-key-abcdef']);
});

test('an endpoint variable that is not an http(s) URL is ignored, with a warning', () => {
  const config = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
  assert.equal(config.signals.traces?.url, 'http://localhost:4318/v1/traces');
  assert.match(config.warnings.join('\n'), /OTEL_EXPORTER_OTLP_ENDPOINT is not an http\(s\) URL/);
});

function effectiveWith(files: { managed?: unknown; user?: unknown; project?: unknown }): EffectivePolicy {
  const root = mkdtempSync(join(tmpdir(), 'ward-telemetry-settings-'));
  try {
    const project = join(root, 'project');
    const wardHome = join(root, 'home');
    mkdirSync(join(project, '.ward'), { recursive: true });
    mkdirSync(wardHome);
    if (files.managed !== undefined) writeFileSync(join(root, 'managed.json'), JSON.stringify(files.managed));
    if (files.user !== undefined) writeFileSync(join(wardHome, 'settings.json'), JSON.stringify(files.user));
    if (files.project !== undefined) writeFileSync(join(project, '.ward', 'settings.json'), JSON.stringify(files.project));
    return resolveEffectivePolicy({
      projectRoot: project,
      wardHome,
      knownTools: new Set<string>(BUILTIN_TOOL_NAMES),
      cli: { mode: undefined, allowedTools: [], disallowedTools: [] },
      trustProject: true,
      managedSettingsPath: join(root, 'managed.json'),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('settings files: the managed and user layers count; a project, even trusted, is ignored with a warning', () => {
  const effective = effectiveWith({
    managed: { telemetry: { endpoint: 'https://otel.corp.example' } },
    user: { telemetry: { enabled: true, includeContent: true } },
    project: { telemetry: { enabled: true, endpoint: 'https://attacker.example', includeContent: true } },
  });
  const config = resolveTelemetryConfig(effective.telemetry, {});
  assert.equal(config.signals.traces?.url, 'https://otel.corp.example/v1/traces');
  assert.equal(config.includeContent, true);
  assert.match(effective.warnings.join('\n'), /project settings .*: telemetry is ignored/);
  assert.equal(telemetryEnabled(resolveTelemetryConfig(effectiveWith({ project: { telemetry: { enabled: true } } }).telemetry, {})), false);
});

test('a settings file with a bad telemetry field is refused, naming the field', () => {
  assert.throws(() => effectiveWith({ user: { telemetry: { endpoint: 'ftp://x' } } }), /telemetry\.endpoint/);
  assert.throws(() => effectiveWith({ user: { telemetry: { protocol: 'grpc' } } }), /telemetry\.protocol/);
});

/**
 * The three output formats of `ward release-check` and the verdict they share: what a reader
 * of the terminal, a jq script and GitHub code scanning each get from the same report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { Finding, ReleaseCheckReport } from '../../src/release/types.ts';
import { formatTextReport } from '../../src/release/report/text.ts';
import { formatJsonReport, reportPassed } from '../../src/release/report/json.ts';
import { FINGERPRINT_KEY, formatSarifReport } from '../../src/release/report/sarif.ts';

const leakedMap: Finding = {
  rule: 'sourcemap-embedded-source',
  severity: 'error',
  file: 'cli.js.map',
  reason: 'cli.js.map carries 412 source files in sourcesContent and no published file links to it, so anyone who installs the package can rebuild its source.',
  fix: 'Build with sourcesContent: false, or exclude *.map from the "files" field of package.json.',
};
const token: Finding = {
  rule: 'secret-token',
  severity: 'error',
  file: 'dist/config.js',
  line: 12,
  reason: 'An npm access token (npm_...) is assigned in dist/config.js.',
  fix: 'Revoke the token on npmjs.com, remove it from the source and publish again.',
  fingerprint: 'c0ffee00d15ea5e1',
};
const noFiles: Finding = {
  rule: 'no-files-allowlist',
  severity: 'warning',
  file: 'package.json',
  reason: 'package.json has no "files" field, so every file not ignored is published.',
  fix: 'Add a "files" array to package.json listing what should ship, e.g. ["dist/"].',
};
const openMap: Finding = { rule: 'sourcemap-embedded-source', severity: 'info', file: 'dist/index.js.map', reason: 'dist/index.js.map embeds 3 source files; the package is open source (MIT).', fix: 'Nothing to do unless the sources are confidential.' };
const installScripts: Finding = { rule: 'lockfile-install-script', severity: 'info', file: 'package-lock.json', reason: 'esbuild runs an install script (postinstall).', fix: 'Review it; list it in allow.installScripts to accept it.' };
const offline: Finding = { rule: 'previous-version-unavailable', severity: 'info', reason: 'The registry could not be reached, so the previous version was not compared.', fix: 'Pass the previous tarball with --previous FILE.' };

function report(findings: readonly Finding[], extra: Partial<ReleaseCheckReport> = {}): ReleaseCheckReport {
  return {
    package: { name: '@acme/cli', version: '2.3.0', origin: 'directory', location: '/work/acme-cli', fileCount: 14, unpackedSize: 7_472_422 },
    lockfile: 'package-lock.json',
    previous: { version: '2.2.1', source: 'registry https://registry.npmjs.org/' },
    findings,
    suppressed: 0,
    failOn: 'error',
    ...extra,
  };
}

const full = report([leakedMap, token, noFiles, openMap, installScripts, offline], { suppressed: 2 });

test('the text report shows the package, each finding with its rule, place, reason and fix, and ends with the verdict', () => {
  const text = formatTextReport(full, { color: false });
  const lines = text.trimEnd().split('\n');
  assert.match(text, /ward release-check {2}@acme\/cli@2\.3\.0\n/);
  assert.match(text, /package +directory \/work\/acme-cli\n/);
  assert.match(text, /files +14 \(7\.5 MB unpacked\)\n/);
  assert.match(text, /previous +2\.2\.1 \(registry https:\/\/registry\.npmjs\.org\/\)\n/);
  assert.match(text, /lockfile +package-lock\.json\n/);
  assert.match(text, /secret-token {2}dist\/config\.js:12\n +reason +An npm access token \(npm_\.\.\.\) is assigned in dist\/config\.js\.\n +fix +Revoke the token/);
  assert.match(text, /fingerprint c0ffee00d15ea5e1/);
  assert.match(text, /\n {2}previous-version-unavailable\n +reason +The registry/, 'a finding without a file shows the rule alone');
  // Grouped by severity, errors first, and every finding is there.
  const errorsAt = text.indexOf('errors (2)');
  const warningsAt = text.indexOf('warnings (1)');
  const notesAt = text.indexOf('notes (3)');
  assert.ok(errorsAt > 0 && errorsAt < warningsAt && warningsAt < notesAt, text);
  assert.ok(text.indexOf('cli.js.map') > errorsAt && text.indexOf('cli.js.map') < warningsAt);
  assert.ok(text.indexOf('dist/index.js.map') > notesAt);
  assert.match(text, /2 findings were suppressed by the configuration/);
  assert.equal(lines.at(-1), 'release-check: 2 errors, 1 warning, 3 notes — failed');
  for (const line of lines) assert.ok(line.length <= 80, `wider than 80 columns: ${JSON.stringify(line)}`);
  assert.doesNotMatch(text, /\u001b/, 'no colors when color is off');
});

test('the text report passes with notes only, fails on a single warning with failOn warning, and says so when there is nothing', () => {
  const notesOnly = formatTextReport(report([openMap, installScripts]), { color: false });
  assert.match(notesOnly, /\nrelease-check: 0 errors, 0 warnings, 2 notes — passed\n$/);
  assert.match(formatTextReport(report([noFiles]), { color: false }), /\nrelease-check: 0 errors, 1 warning, 0 notes — passed\n$/);
  const warning = formatTextReport(report([noFiles], { previous: undefined, lockfile: undefined, failOn: 'warning' }), { color: false });
  assert.match(warning, /\nrelease-check: 0 errors, 1 warning, 0 notes — failed\n$/);
  assert.match(warning, /previous +none compared\n/);
  assert.match(warning, /lockfile +none\n/);
  const clean = formatTextReport(report([]), { color: false });
  assert.match(clean, /\nno findings\.\n/);
  assert.match(clean, /release-check: 0 errors, 0 warnings, 0 notes — passed\n$/);
  assert.doesNotMatch(clean, /suppressed/);
});

test('the text report colors severities only when asked', () => {
  const text = formatTextReport(report([token, noFiles]), { color: true });
  assert.match(text, /\u001b\[1;31merrors \(1\)\u001b\[0m/);
  assert.match(text, /\u001b\[1;33mwarnings \(1\)\u001b\[0m/);
  assert.match(text, /— \u001b\[1;31mfailed\u001b\[0m\n$/);
});

test('a published file name cannot send escape sequences to the terminal through the report', () => {
  const hostile: Finding = { ...noFiles, rule: 'unwanted-file', file: 'docs/\u001b]0;owned\u0007\u001b[2Jnotes.md', reason: 'An internal document\u202e is published.' };
  const text = formatTextReport(report([hostile]), { color: false });
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u202e]/);
  assert.match(text, /docs\/\\u001b\]0;owned\\u0007\\u001b\[2Jnotes\.md/);
  assert.match(text, /An internal document\\u202e is published\./);
});

test('long reasons wrap under their label and a word longer than a line is not cut', () => {
  const longUrl = `https://example.invalid/${'x'.repeat(90)}`;
  const finding: Finding = { ...noFiles, reason: `${'word '.repeat(40)}then ${longUrl} end.` };
  const lines = formatTextReport(report([finding]), { color: false }).split('\n');
  const reasonAt = lines.findIndex((line) => line.startsWith('    reason  word'));
  assert.ok(reasonAt > 0);
  assert.match(lines[reasonAt + 1] ?? '', /^ {12}word word/);
  assert.ok(lines.includes(`            ${longUrl}`), 'the URL keeps its own line, whole');
});

const jsonFindingSchema = z.strictObject({
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  file: z.string().nullable(),
  line: z.number().int().positive().nullable(),
  reason: z.string().min(1),
  fix: z.string().min(1),
  fingerprint: z.string().nullable(),
});
const jsonReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  tool: z.strictObject({ name: z.literal('ward'), version: z.string() }),
  package: z.strictObject({ name: z.string(), version: z.string(), origin: z.enum(['directory', 'tarball']), location: z.string(), fileCount: z.number(), unpackedSize: z.number() }),
  previous: z.strictObject({ version: z.string(), source: z.string() }).nullable(),
  lockfile: z.string().nullable(),
  summary: z.strictObject({ errors: z.number(), warnings: z.number(), info: z.number(), suppressed: z.number(), passed: z.boolean() }),
  findings: z.array(jsonFindingSchema),
});

test('the JSON report is the documented document: every key present, counts and verdict in the summary', () => {
  const doc = jsonReportSchema.parse(JSON.parse(formatJsonReport(full, '0.1.0')));
  assert.deepEqual(doc.tool, { name: 'ward', version: '0.1.0' });
  assert.deepEqual(doc.summary, { errors: 2, warnings: 1, info: 3, suppressed: 2, passed: false });
  assert.deepEqual(doc.previous, { version: '2.2.1', source: 'registry https://registry.npmjs.org/' });
  assert.equal(doc.lockfile, 'package-lock.json');
  assert.equal(doc.findings.length, 6);
  assert.deepEqual(doc.findings[1], { rule: 'secret-token', severity: 'error', file: 'dist/config.js', line: 12, reason: token.reason, fix: token.fix, fingerprint: 'c0ffee00d15ea5e1' });
  assert.deepEqual(doc.findings[5], { rule: 'previous-version-unavailable', severity: 'info', file: null, line: null, reason: offline.reason, fix: offline.fix, fingerprint: null });

  const bare = jsonReportSchema.parse(JSON.parse(formatJsonReport(report([openMap], { previous: undefined, lockfile: undefined }), '0.1.0')));
  assert.equal(bare.previous, null);
  assert.equal(bare.lockfile, null);
  assert.equal(bare.summary.passed, true);
});

test('the verdict: errors fail a release, warnings only with failOn warning, information never', () => {
  assert.equal(reportPassed(report([])), true);
  assert.equal(reportPassed(report([openMap, installScripts, offline])), true);
  assert.equal(reportPassed(report([noFiles])), true, 'a warning is for review');
  assert.equal(reportPassed(report([noFiles], { failOn: 'warning' })), false);
  assert.equal(reportPassed(report([token])), false);
  assert.equal(reportPassed(report([], { suppressed: 5 })), true, 'suppressed findings do not count');
});

// The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that a valid log and a GitHub
// code-scanning upload depend on: required properties, enums and types.
const message = z.object({ text: z.string().min(1) });
const reportingDescriptor = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  shortDescription: message,
  fullDescription: message.optional(),
  help: message,
});
const sarifResult = z.object({
  ruleId: z.string().min(1),
  ruleIndex: z.number().int().min(-1).optional(),
  level: z.enum(['none', 'note', 'warning', 'error']),
  message,
  locations: z
    .array(
      z.object({
        physicalLocation: z.object({
          artifactLocation: z.object({ uri: z.string().min(1).refine((uri) => !/^\/|^[a-z]+:/i.test(uri) && !/[\s#?]/.test(uri), 'a relative URI reference') }),
          region: z.object({ startLine: z.number().int().min(1) }).optional(),
        }),
      }),
    )
    .min(1)
    .max(10),
  partialFingerprints: z.record(z.string(), z.string()).optional(),
});
const sarifLog = z.object({
  $schema: z.url(),
  version: z.literal('2.1.0'),
  runs: z
    .array(
      z.object({
        tool: z.object({
          driver: z.object({ name: z.string().min(1), version: z.string().optional(), informationUri: z.url().optional(), rules: z.array(reportingDescriptor) }),
        }),
        results: z.array(sarifResult),
      }),
    )
    .length(1),
});

test('the SARIF report is valid SARIF 2.1.0 for code scanning: one rule per rule that fired, every result placed', () => {
  const weird: Finding = { ...noFiles, rule: 'unwanted-file', file: 'docs/notes #1 100%.md', line: 3 };
  const log = sarifLog.parse(JSON.parse(formatSarifReport(report([...full.findings, weird]), '0.1.0')));
  const run = log.runs[0]!;
  assert.equal(run.tool.driver.name, 'ward release-check');
  assert.equal(run.tool.driver.version, '0.1.0');
  const ruleIds = run.tool.driver.rules.map((rule) => rule.id);
  assert.deepEqual(ruleIds, ['lockfile-install-script', 'no-files-allowlist', 'previous-version-unavailable', 'secret-token', 'sourcemap-embedded-source', 'unwanted-file']);
  for (const rule of run.tool.driver.rules) assert.ok(rule.help.text.length > 40, `${rule.id} has help text`);

  assert.equal(run.results.length, 7);
  for (const result of run.results) assert.equal(run.tool.driver.rules[result.ruleIndex ?? -1]?.id, result.ruleId, 'ruleIndex points at its rule');
  const [map, secret, warning, note, , packageWide, odd] = run.results;
  assert.equal(map?.level, 'error');
  assert.equal(warning?.level, 'warning');
  assert.equal(note?.level, 'note');
  assert.equal(map?.locations[0]?.physicalLocation.artifactLocation.uri, 'cli.js.map');
  assert.equal(map?.locations[0]?.physicalLocation.region, undefined, 'no region without a line');
  assert.equal(map?.partialFingerprints, undefined);
  assert.equal(map?.message.text, `${leakedMap.reason} Fix: ${leakedMap.fix}`);
  assert.deepEqual(secret?.locations[0]?.physicalLocation, { artifactLocation: { uri: 'dist/config.js' }, region: { startLine: 12 } });
  assert.deepEqual(secret?.partialFingerprints, { [FINGERPRINT_KEY]: 'c0ffee00d15ea5e1' });
  assert.equal(packageWide?.locations[0]?.physicalLocation.artifactLocation.uri, 'package.json', 'a package-wide finding points at package.json');
  assert.equal(odd?.locations[0]?.physicalLocation.artifactLocation.uri, 'docs/notes%20%231%20100%25.md');
});

test('a clean run is a valid SARIF log with no rules and no results', () => {
  const log = sarifLog.parse(JSON.parse(formatSarifReport(report([]), '0.1.0')));
  assert.deepEqual(log.runs[0]?.results, []);
  assert.deepEqual(log.runs[0]?.tool.driver.rules, []);
});

/**
 * `ward release-check --format sarif`: SARIF 2.1.0 for GitHub code scanning
 * (`github/codeql-action/upload-sarif`). One run; the rule table lists the rules that fired;
 * every result has a location, because code scanning drops results without one: findings
 * about the package as a whole point at package.json.
 *
 * Paths are package-relative, as published. When the package lives in a subdirectory of the
 * repository, upload with that directory as the checkout path so GitHub can place them.
 */
import type { Finding, ReleaseCheckReport, RuleId, Severity } from '../types.ts';
import { RULE_HELP } from './rule-help.ts';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const INFORMATION_URI = 'https://www.npmjs.com/package/ward-agent';
/** The partialFingerprints key: versioned, so a change in how fingerprints are made does not collide. */
export const FINGERPRINT_KEY = 'wardFindingFingerprint/v1';

const LEVELS: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [SarifRun];
}

interface SarifRun {
  readonly tool: {
    readonly driver: {
      readonly name: string;
      readonly version: string;
      readonly semanticVersion: string;
      readonly informationUri: string;
      readonly rules: readonly SarifRule[];
    };
  };
  readonly results: readonly SarifResult[];
  readonly properties: { readonly package: string; readonly suppressed: number };
}

interface SarifRule {
  readonly id: RuleId;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string };
}

interface SarifResult {
  readonly ruleId: RuleId;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning' | 'note';
  readonly message: { readonly text: string };
  readonly locations: readonly [
    {
      readonly physicalLocation: {
        readonly artifactLocation: { readonly uri: string };
        readonly region?: { readonly startLine: number };
      };
    },
  ];
  readonly partialFingerprints?: Readonly<Record<string, string>>;
}

export function buildSarifReport(report: ReleaseCheckReport, toolVersion: string): SarifLog {
  const ruleIds = [...new Set(report.findings.map((finding) => finding.rule))].sort();
  const ruleIndex = new Map(ruleIds.map((id, index) => [id, index]));
  const rules = ruleIds.map((id): SarifRule => {
    const help = RULE_HELP[id];
    return { id, name: ruleName(id), shortDescription: { text: help.short }, fullDescription: { text: help.help }, help: { text: help.help } };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ward release-check', version: toolVersion, semanticVersion: toolVersion, informationUri: INFORMATION_URI, rules } },
        results: report.findings.map((finding) => toResult(finding, ruleIndex.get(finding.rule) ?? 0)),
        properties: { package: `${report.package.name}@${report.package.version}`, suppressed: report.suppressed },
      },
    ],
  };
}

export function formatSarifReport(report: ReleaseCheckReport, toolVersion: string): string {
  return `${JSON.stringify(buildSarifReport(report, toolVersion), null, 2)}\n`;
}

function toResult(finding: Finding, index: number): SarifResult {
  const region = finding.line === undefined || finding.line < 1 ? {} : { region: { startLine: finding.line } };
  return {
    ruleId: finding.rule,
    ruleIndex: index,
    level: LEVELS[finding.severity],
    message: { text: `${finding.reason} Fix: ${finding.fix}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: pathToUri(finding.file ?? 'package.json') }, ...region } }],
    ...(finding.fingerprint === undefined ? {} : { partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint } }),
  };
}

/**
 * A relative URI reference for a package path: each segment percent-encoded, so a file named
 * `a#b.js` or `100%.txt` stays one path instead of gaining a fragment or a bad escape.
 */
export function pathToUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** SARIF's `name` is an identifier-like label: "sourcemap-embedded-source" -> "SourcemapEmbeddedSource". */
function ruleName(id: RuleId): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

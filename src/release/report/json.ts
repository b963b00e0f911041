/**
 * `ward release-check --format json`: one JSON document on stdout, for scripts and CI.
 *
 * The shape is a contract (schemaVersion 1); a change that removes or renames a field, or
 * changes a type, needs schemaVersion 2. Every key is always present, with null where there
 * is nothing, so `jq '.previous.version'` never trips on a missing object.
 *
 * {
 *   "schemaVersion": 1,
 *   "tool":     { "name": "ward", "version": "0.1.0" },
 *   "package":  { "name", "version", "origin": "directory" | "tarball", "location",
 *                 "fileCount", "unpackedSize" (bytes) },
 *   "previous": { "version", "source" } | null,      the version compared against
 *   "lockfile": string | null,                       the lockfile checked
 *   "summary":  { "errors", "warnings", "info", "suppressed", "passed": boolean },
 *   "findings": [ { "rule", "severity": "error" | "warning" | "info",
 *                   "file": string | null, "line": number | null,
 *                   "reason", "fix", "fingerprint": string | null } ]
 * }
 *
 * `summary.passed` is the verdict the exit code follows: no errors and no warnings.
 */
import type { Finding, ReleaseCheckReport, RuleId, Severity } from '../types.ts';
import { countFindings, reportPassed } from './verdict.ts';

export { reportPassed };

export interface JsonFinding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly file: string | null;
  readonly line: number | null;
  readonly reason: string;
  readonly fix: string;
  readonly fingerprint: string | null;
}

export interface JsonReport {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'ward'; readonly version: string };
  readonly package: ReleaseCheckReport['package'];
  readonly previous: { readonly version: string; readonly source: string } | null;
  readonly lockfile: string | null;
  readonly summary: {
    readonly errors: number;
    readonly warnings: number;
    readonly info: number;
    readonly suppressed: number;
    readonly passed: boolean;
  };
  readonly findings: readonly JsonFinding[];
}

export function buildJsonReport(report: ReleaseCheckReport, toolVersion: string): JsonReport {
  const counts = countFindings(report);
  const pkg = report.package;
  return {
    schemaVersion: 1,
    tool: { name: 'ward', version: toolVersion },
    // Copied field by field: the document's keys are fixed here, not by whatever the report object carries.
    package: { name: pkg.name, version: pkg.version, origin: pkg.origin, location: pkg.location, fileCount: pkg.fileCount, unpackedSize: pkg.unpackedSize },
    previous: report.previous === undefined ? null : { version: report.previous.version, source: report.previous.source },
    lockfile: report.lockfile ?? null,
    summary: { ...counts, suppressed: report.suppressed, passed: reportPassed(report) },
    findings: report.findings.map(toJsonFinding),
  };
}

export function formatJsonReport(report: ReleaseCheckReport, toolVersion: string): string {
  return `${JSON.stringify(buildJsonReport(report, toolVersion), null, 2)}\n`;
}

function toJsonFinding(finding: Finding): JsonFinding {
  return {
    rule: finding.rule,
    severity: finding.severity,
    file: finding.file ?? null,
    line: finding.line ?? null,
    reason: finding.reason,
    fix: finding.fix,
    fingerprint: finding.fingerprint ?? null,
  };
}

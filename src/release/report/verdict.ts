/**
 * Whether a release-check run passes, and the counts every output format prints. One place,
 * so the text verdict, the JSON summary and the exit code can never disagree.
 */
import type { ReleaseCheckReport } from '../types.ts';

export interface FindingCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly info: number;
}

export function countFindings(report: ReleaseCheckReport): FindingCounts {
  let errors = 0;
  let warnings = 0;
  let info = 0;
  for (const finding of report.findings) {
    if (finding.severity === 'error') errors++;
    else if (finding.severity === 'warning') warnings++;
    else info++;
  }
  return { errors, warnings, info };
}

/**
 * A release passes when it has no errors; with `failOn: 'warning'` (configuration or
 * `--fail-on warning`), no warnings either. Errors are what must not be published (embedded
 * source in a closed package, a secret, a new install script); warnings are for a reviewer
 * (a missing `files` allowlist, shipped test fixtures), and failing every ordinary package on
 * them would make the gate a gate nobody keeps on. Information is shown, never counted.
 */
export function reportPassed(report: ReleaseCheckReport): boolean {
  const counts = countFindings(report);
  return counts.errors === 0 && (report.failOn === 'error' || counts.warnings === 0);
}

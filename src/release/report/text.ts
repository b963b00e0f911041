/**
 * The readable report `ward release-check` prints by default: what was checked, the findings
 * grouped by severity (each with its rule, place, reason and fix), and a last line with the
 * counts and the verdict, which CI logs show first when they are cut.
 *
 * Everything printed from the package (file names, the name and version, text a check quoted)
 * is untrusted: a published file name can carry terminal escape sequences, so control and
 * bidirectional-override characters are shown escaped instead of being sent to the terminal.
 */
import type { Finding, ReleaseCheckReport, Severity } from '../types.ts';
import { countFindings, reportPassed } from './verdict.ts';

export interface TextReportOptions {
  /** ANSI colors; the caller decides (a TTY, NO_COLOR, FORCE_COLOR). */
  readonly color: boolean;
}

const WIDTH = 80;
const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];
const HEADINGS: Readonly<Record<Severity, string>> = { error: 'errors', warning: 'warnings', info: 'notes' };
const SEVERITY_COLOR: Readonly<Record<Severity, string>> = { error: '31', warning: '33', info: '36' };

export function formatTextReport(report: ReleaseCheckReport, options: TextReportOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const pkg = report.package;
  lines.push(`${paint('1', 'ward release-check')}  ${clean(`${pkg.name}@${pkg.version}`)}`);
  lines.push(...field('package', `${pkg.origin} ${clean(pkg.location)}`));
  lines.push(...field('files', `${pkg.fileCount} (${formatSize(pkg.unpackedSize)} unpacked)`));
  lines.push(...field('previous', report.previous === undefined ? 'none compared' : `${clean(report.previous.version)} (${clean(report.previous.source)})`));
  lines.push(...field('lockfile', report.lockfile === undefined ? 'none' : clean(report.lockfile)));

  if (report.findings.length === 0) {
    lines.push('', 'no findings.');
  }
  for (const severity of SEVERITY_ORDER) {
    const group = report.findings.filter((finding) => finding.severity === severity);
    if (group.length === 0) continue;
    lines.push('', paint(`1;${SEVERITY_COLOR[severity]}`, `${HEADINGS[severity]} (${group.length})`));
    for (const finding of group) lines.push('', ...formatFinding(finding, paint));
  }

  lines.push('');
  if (report.suppressed > 0) {
    lines.push(`${report.suppressed} ${report.suppressed === 1 ? 'finding was' : 'findings were'} suppressed by the configuration (allowlist or ignoreRules).`);
  }
  const passed = reportPassed(report);
  lines.push(`${summaryLine(report)} — ${paint(passed ? '1;32' : '1;31', passed ? 'passed' : 'failed')}`);
  return `${lines.join('\n')}\n`;
}

/** "release-check: 2 errors, 1 warning, 3 notes": the verdict line without the verdict. */
export function summaryLine(report: ReleaseCheckReport): string {
  const counts = countFindings(report);
  return `release-check: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${plural(counts.info, 'note')}`;
}

function formatFinding(finding: Finding, paint: (code: string, text: string) => string): string[] {
  const place = finding.file === undefined ? '' : `  ${clean(finding.file)}${finding.line === undefined ? '' : `:${finding.line}`}`;
  const lines = [`  ${paint(`1;${SEVERITY_COLOR[finding.severity]}`, finding.rule)}${place}`];
  lines.push(...labelled('reason', clean(finding.reason)));
  lines.push(...labelled('fix', clean(finding.fix)));
  // Not wrapped: it is copied whole into allow.fingerprints.
  if (finding.fingerprint !== undefined) lines.push(`    fingerprint ${paint('2', clean(finding.fingerprint))}`);
  return lines;
}

/** A header line: "  package   directory /work/pkg". */
function field(label: string, value: string): string[] {
  return [`  ${label.padEnd(9)} ${value}`];
}

/** "    reason  text wrapped under itself". */
function labelled(label: string, text: string): string[] {
  const prefix = `    ${label.padEnd(7)} `;
  return wrap(text, WIDTH - prefix.length).map((line, index) => (index === 0 ? prefix : ' '.repeat(prefix.length)) + line);
}

/** Word wrap; a word longer than the width (a path, a URL) keeps its own line rather than being cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/ +/)) {
    if (word === '') continue;
    if (current === '') current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  lines.push(current);
  return lines;
}

/** Sizes the way npm prints them (decimal units): "7.5 MB", "812 B". */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'GB'}`;
}

/**
 * Makes untrusted text safe to print: line breaks and tabs become spaces (a finding is laid
 * out by this formatter, not by the text), other C0/C1 controls and bidi overrides are escaped.
 */
export function clean(text: string): string {
  return text.replace(/[\t\n\r]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

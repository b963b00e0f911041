/**
 * What every benchmark hands back, and how it is printed: one markdown table row per figure,
 * with the target and whether it was met, so `npm run bench` output can be pasted into
 * docs/benchmarks.md unchanged.
 */

export type Unit = 'ms' | 'µs' | 'MB' | 'turns/s' | 'KB' | 'tokens' | '%' | 'count';

export interface Measurement {
  readonly metric: string;
  readonly value: number;
  readonly unit: Unit;
  /** Met when the value is strictly below this, in the same unit. Absent for context figures. */
  readonly targetBelow?: number;
  /** Met when the value is at least this (a floor, like a cache-read share). */
  readonly targetAtLeast?: number;
}

export interface BenchReport {
  readonly benchmark: string;
  readonly measurements: readonly Measurement[];
  /** How it was measured and anything the reader needs to interpret the figures. */
  readonly notes: readonly string[];
}

export function targetMet(measurement: Measurement): boolean | null {
  if (measurement.targetAtLeast !== undefined) return measurement.value >= measurement.targetAtLeast;
  return measurement.targetBelow === undefined ? null : measurement.value < measurement.targetBelow;
}

export function formatValue(value: number, unit: Unit): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

export function resultsTable(reports: readonly BenchReport[]): string {
  const lines = ['| benchmark | measure | result | target | met |', '| --- | --- | --- | --- | --- |'];
  for (const report of reports) {
    for (const m of report.measurements) {
      const met = targetMet(m);
      const target = m.targetAtLeast !== undefined ? `≥ ${formatValue(m.targetAtLeast, m.unit)}` : m.targetBelow === undefined ? '' : `< ${formatValue(m.targetBelow, m.unit)}`;
      const verdict = met === null ? '' : met ? 'met' : '**not met**';
      lines.push(`| ${report.benchmark} | ${m.metric} | ${formatValue(m.value, m.unit)} | ${target} | ${verdict} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function notesText(report: BenchReport): string {
  return report.notes.map((note) => `- ${note}\n`).join('');
}

/** What a benchmark run on its own prints: its table, then its notes. */
export function printReport(report: BenchReport): void {
  process.stdout.write(`\n## ${report.benchmark}\n\n${resultsTable([report])}\n${notesText(report)}`);
}
